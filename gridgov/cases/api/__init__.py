"""Case endpoints: every step of the loop (点单 → 派单 → 接单 → 办结 → 评单), queues, tracking, catalogue.

Each write calls one action in `gridgov.cases.actions`; nothing here saves a model. A case id in the path
goes through `access.case_for` first, so a case outside the caller's scope answers exactly like a missing
one (404 `case_not_found`). Ids in the body that do not exist answer 400 with a code naming the field.

Photos travel as multipart/form-data (`files`, up to 6, ≤ 5 MB each, checked by content) on the
`…/multipart` twins of submit, progress and resolve; the JSON endpoints carry no photos.

| module | endpoints |
|---|---|
| `plumbing` | the router, scope, id look-ups, the shapes of a case |
| `intake` | `POST /cases` (JSON, multipart) |
| `reads` | `GET /cases`, `/cases/{id}`, its timeline and suggestion, `/dispatch/queue`, `/inbox` |
| `handling` | dispatch (one, batch), accept, return, progress, resolve, rate, cancel, merge, close |
| `reference` | `GET /track` (public), `/catalog`, `/me` |
"""

# The endpoint modules register their operations on the one router, in this order.
from gridgov.cases.api import handling, intake, reads, reference  # noqa: F401
from gridgov.cases.api.plumbing import router

__all__ = ["router"]
