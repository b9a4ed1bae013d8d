// Validates Adaptive Cards with Microsoft's `adaptivecards` package (3.x), as Teams would parse them.
// Usage: node tests/teams/validate_cards.js cards.json   (a JSON array of {"name", "card"})
// Prints one JSON line: {"checked": N, "problems": [{"name", "phase", "message"}]}; exit 1 on problems.
"use strict";

const fs = require("fs");
const AC = require("adaptivecards/dist/adaptivecards.js");

function problemsOf(name, json) {
  const problems = [];
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push({ name, phase: "parse", message: `${AC.ValidationEvent[event.event]}: ${event.message}` });
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push({ name, phase: "validate", message: `${AC.ValidationEvent[event.event]}: ${event.message}` });
  }
  if (json.type !== "AdaptiveCard") {
    problems.push({ name, phase: "shape", message: "top-level type is not AdaptiveCard" });
  }
  return problems;
}

const input = JSON.parse(fs.readFileSync(process.argv[2] || 0, "utf8"));
const problems = input.flatMap(({ name, card }) => problemsOf(name, card));
console.log(JSON.stringify({ checked: input.length, problems }));
process.exit(problems.length ? 1 : 0);
