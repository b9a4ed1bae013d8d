"""The room layer: what an incident room does when the timeline moves, the same on every platform.

`texts` holds every line a room shows (badge, severity, clocks, prompts, refusals), `ports` the
two small protocols a chat platform implements (`Chat` for transport, `Renderer` for layout),
`room` the work handlers that decide what to post or update, and `followups` the prompts and
their clicks. Slack (`app/slack`) and Teams (`app/teams`) plug in below; nothing here imports them.
"""
