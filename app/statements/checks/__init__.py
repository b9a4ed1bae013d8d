"""The statement checker's parts, one concern per module; `app.statements.checker` runs them.

`matching` (the folded text and the literal-gated pattern families), `findings` (what a finding
is and its messages), then one module per family of checks with its patterns beside it:
`parts` (required parts, title, placeholders), `phrases` (phrases to avoid), `certainty`
(claims about the data against the answers), `hints` (advice and the PPC from the answers and
verdict), `notice` (what a published notice must get right) and `dates` (promised dates past).
"""
