"""Who may do what in the model-worker registry (劳模).

- `honours.view`: see the registry entries of the subtree's unions, their titles and care records;
- `honours.change`: record care (health checks, visits, subsidies) and edit the profile story
  (union chair and staff, town cadres, the district);
- `honours.register`: add titles by hand, edit a registry entry (move it to another union), publish
  or withdraw the story, remove a care record entered in error (district staff only);
- `honours.export`: the Excel export of the registry.

A title conferred on the platform (a 劳动模范 award's conferral) reaches the registry through
`services.modelworkers.add_title`; the caller has checked its own permission (`honours.confer`).
These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

VIEW = "honours.view"
CHANGE = "honours.change"
REGISTER = "honours.register"
EXPORT = "honours.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class ModelWorkerActions:
    care: bool = False
    story: bool = False
    manage: bool = False  # add a title, edit the entry, publish/withdraw the story, remove care

    @property
    def any(self):
        return any(vars(self).values())


def worker_actions(user, worker) -> ModelWorkerActions:
    org = worker.org
    change = can(user, CHANGE, org)
    return ModelWorkerActions(care=change, story=change, manage=can(user, REGISTER, org))
