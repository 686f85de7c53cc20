"""A conversation with the shop about a return (docs/conversation.md).

Modules: `threads` (the verbs: ask, reply, the inbox), `promise` (when we promise to
answer, in working hours), `reply_to` (the signed reply address of every e-mail),
`inbound` (a reply by e-mail back into its thread), `views` (what the pages show).
"""
