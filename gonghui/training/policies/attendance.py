"""Who may do what with attendance, completion and certificates.

- `training.view`: see the attendance, scores and certificates of courses in the subtree (and of
  the subtree's trainees);
- `training.change`: record attendance, scores, decide completion and issue certificates for a
  course organised in the subtree;
- `training.approve`: revoke a certificate (towns and the district);
- `training.export`: the certificates export.
Members check in with the QR code and see their own certificates (member pages, no role needed).
These helpers decide which buttons a page shows; the services check again (`require`).
"""

VIEW = "training.view"
CHANGE = "training.change"
APPROVE = "training.approve"
EXPORT = "training.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))
