"""The JSON API at /api/v1/: one NinjaAPI, each app contributes its router from `<app>/api.py`.

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs (assets served from static,
no CDN). Authentication: `Authorization: Bearer <token>` from POST /api/v1/auth/token, or the
browser's session cookie (with the CSRF header on unsafe methods). Error bodies, pagination,
rate limits and Idempotency-Key: see gonghui/core/api_support.py.
"""

import copy
import functools
import re

import ninja.openapi.schema
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

from gonghui.core.api_support import ApiRateThrottle, api_auth, install_error_handlers

DESCRIPTION = """智慧工会 JSON API.

* **Sign in**: `POST /api/v1/auth/token` with `{"username", "password"}` → `{"token"}`; then send
  `Authorization: Bearer <token>` on every call.
* **Scope**: every list and record is limited to the caller's part of the organisation tree;
  a record outside it answers 404 exactly like a missing one. A visible record the caller may
  not change answers 403.
* **Errors**: `{"code", "message", "field", "errors": [{"field", "code", "message"}]}`, in the
  language of `Accept-Language` (简体中文 by default). 422 = the request has the wrong shape;
  400 = a rule refused it; 409 = it conflicts with the current state (e.g. `already_member`).
* **Lists**: keyset pagination — pass the `next_after` of one page as `after` for the next;
  `limit` 1–200; `count` stops at a cap (`count_capped: true` means “at least”).
* **Retries**: send `Idempotency-Key` on creating POSTs; a replay returns the first answer.
* **Personal data**: ID card and mobile numbers are masked; search by them with
  `POST /api/v1/members/search`, never in a URL.
"""

# A class reference inside a pydantic core ref: "gonghui.orgs.api.EnterpriseOut:140230", one per
# component (a generic's origin and each of its arguments are separate ones).
CLASS_IN_CORE_REF = re.compile(r"(gonghui(?:\.\w+)+)\.(\w+):(\d+)")


def _project_schema_classes():
    # From pydantic's BaseModel, not ninja's Schema: a response model may be a plain pydantic model
    # (gonghui/voice/api_stats.py, for speed) and share a name with a Schema elsewhere.
    seen, pending = set(), [BaseModel]
    while pending:
        for cls in pending.pop().__subclasses__():
            if cls not in seen:  # a class with two Schema bases is reached twice
                seen.add(cls)
                pending.append(cls)
    return [cls for cls in seen if cls.__module__.startswith("gonghui.") and ".tests." not in cls.__module__]


def _camel(words):
    return "".join(word[:1].upper() + word[1:] for word in words)


def _qualifier(module, modules):
    """The app label ("Voice"), or the app and its API module ("TrainingSchools") when the app has
    two classes of the name, or the whole dotted module as a last resort."""
    parts = module.split(".")[1:]  # without "gonghui"
    app = parts[0]
    if sum(1 for other in modules if other.split(".")[1] == app) == 1:
        return _camel([app])
    tail = parts[-1].removeprefix("api_").removeprefix("api")
    if sum(1 for other in modules if other.split(".")[1] == app and other.split(".")[-1] == parts[-1]) == 1 and tail:
        return _camel([app, tail])
    return _camel(parts)


@functools.cache
def shared_schema_names():
    """{(module, class name): unique component name} for every class name that two of the project's
    schema classes use. django-ninja files each class under its bare name in components/schemas,
    so the last one generated would overwrite the others (EnterpriseOut in orgs, portal, voice).
    Computed once, after every router's module is imported; a unique name keeps its short form."""
    modules_by_name = {}
    for cls in _project_schema_classes():
        modules_by_name.setdefault(cls.__name__, set()).add(cls.__module__)
    return {(module, name): _qualifier(module, modules) + name
            for name, modules in modules_by_name.items() if len(modules) > 1
            for module in modules}


def schema_component_name(cls):
    """The name the class is documented under in /api/v1/openapi.json."""
    return shared_schema_names().get((cls.__module__, cls.__name__), cls.__name__)


class UniqueSchemaNames(NinjaGenerateJsonSchema):
    """Pydantic names a definition after the last dotted part of its core ref; renaming that part
    of a shared class name to its qualified form makes the $defs key (and its $ref) unique across
    the separate schema generations django-ninja merges."""

    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        return super().get_defs_ref((CLASS_IN_CORE_REF.sub(_qualify_class_reference, core_ref), mode))


def _qualify_class_reference(match):
    module, name, identity = match.groups()
    return f"{module}.{shared_schema_names().get((module, name), name)}:{identity}"


# django-ninja's OpenAPI builder reads its generator from this module attribute (no setting for it);
# swapping it here, once at import, affects only the OpenAPI document. test_security_api_fuzz.py
# fails if a django-ninja upgrade stops reading it.
ninja.openapi.schema.NinjaGenerateJsonSchema = UniqueSchemaNames

class GonghuiAPI(NinjaAPI):
    """The OpenAPI document is built once per process, path prefix and language: it depends only
    on the code (the routers are added at import), and building it walks 241 operations' pydantic
    models, several seconds of CPU that /api/v1/openapi.json and /api/v1/docs paid on every call
    (and every test that reads it). Each caller gets its own copy to change if it likes."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        schemas = self.__dict__.setdefault("_openapi_schemas", {})
        if key not in schemas:  # kept as plain data: the OpenAPISchema also holds the API object
            schemas[key] = copy.deepcopy(dict(super().get_openapi_schema(path_prefix=path_prefix)))
        return copy.deepcopy(schemas[key])


api = GonghuiAPI(title="智慧工会 API", version="1", urls_namespace="api", description=DESCRIPTION,
               auth=api_auth(), throttle=[ApiRateThrottle()])
install_error_handlers(api)


def _add_routers():
    from gonghui.accounts.api import router as accounts_router
    from gonghui.bargaining.api import router as bargaining_router
    from gonghui.competitions.api_activities import router as activities_router
    from gonghui.competitions.api_contests import router as contests_router
    from gonghui.competitions.api_labour import router as labour_router
    from gonghui.congress.api_congresses import router as congresses_router
    from gonghui.congress.api_proposals import router as proposals_router
    from gonghui.grassroots.api_committees import router as committees_router
    from gonghui.grassroots.api_elections import router as elections_router
    from gonghui.grassroots.api_foundings import router as foundings_router
    from gonghui.grassroots.api_harmony import router as harmony_router
    from gonghui.grassroots.api_homes import router as homes_router
    from gonghui.grassroots.api_liaison import router as liaison_router
    from gonghui.honours.api_awards import router as awards_router
    from gonghui.honours.api_leaders import router as leaders_router
    from gonghui.honours.api_modelworkers import router as modelworkers_router
    from gonghui.honours.api_rewards import router as rewards_router
    from gonghui.innovation.api import router as innovation_router
    from gonghui.members.api import router as members_router
    from gonghui.orgs.api import router as orgs_router
    from gonghui.portal.api_auth import router as portal_auth_router
    from gonghui.portal.api_home import router as portal_home_router
    from gonghui.portal.api_joins import router as portal_joins_router
    from gonghui.publicity.api_activities import router as publicity_activities_router
    from gonghui.publicity.api_articles import router as publicity_articles_router
    from gonghui.publicity.api_studies import router as publicity_studies_router
    from gonghui.reports.api_annual import router as reports_annual_router
    from gonghui.reports.api_dashboard import router as reports_dashboard_router
    from gonghui.reports.api_rollups import router as reports_rollups_router
    from gonghui.services.api_benefits import router as services_benefits_router
    from gonghui.services.api_centres import router as services_centres_router
    from gonghui.services.api_events import router as services_events_router
    from gonghui.services.api_facilities import router as services_facilities_router
    from gonghui.services.api_venues import router as services_venues_router
    from gonghui.training.api_attendance import router as training_attendance_router
    from gonghui.training.api_courses import router as training_courses_router
    from gonghui.training.api_enrolment import router as training_enrolment_router
    from gonghui.training.api_mentoring import router as training_mentoring_router
    from gonghui.training.api_schools import router as training_schools_router
    from gonghui.training.api_stats import router as training_stats_router
    from gonghui.voice.api_appeals import router as voice_appeals_router
    from gonghui.voice.api_intake import router as voice_intake_router
    from gonghui.voice.api_stats import router as voice_stats_router
    from gonghui.voice.api_surveys import router as voice_surveys_router
    from gonghui.welfare.api_campaigns import router as welfare_campaigns_router
    from gonghui.welfare.api_hardship import router as welfare_hardship_router
    from gonghui.welfare.api_mutualaid import router as welfare_mutualaid_router

    api.add_router("/auth", accounts_router)
    api.add_router("", orgs_router)  # /orgs, /enterprises
    api.add_router("", members_router)  # /members, /transfers
    api.add_router("", bargaining_router)  # /wage-agreements
    api.add_router("", congresses_router)  # /congresses, /congress-sessions
    api.add_router("", proposals_router)  # /proposals
    api.add_router("", innovation_router)  # /suggestions, /tech-projects
    api.add_router("", foundings_router)  # /foundings
    api.add_router("", committees_router)  # /committees
    api.add_router("", elections_router)  # /elections
    api.add_router("", liaison_router)  # /liaison-assignments, /liaison-visits
    api.add_router("", homes_router)  # /home-standards, /home-assessments
    api.add_router("", harmony_router)  # /harmony-assessments
    api.add_router("", labour_router)  # /competitions
    api.add_router("", activities_router)  # /competition-activities
    api.add_router("", contests_router)  # /skill-contests
    api.add_router("", awards_router)  # /honours, /honour-types, /honour-records
    api.add_router("", modelworkers_router)  # /model-workers
    api.add_router("", leaders_router)  # /skill-leaders, /allowances
    api.add_router("", rewards_router)  # /skill-rewards
    api.add_router("", training_schools_router)  # /worker-schools, /teachers
    api.add_router("", training_courses_router)  # /courses
    api.add_router("", training_enrolment_router)  # /enrolments
    api.add_router("", training_attendance_router)  # /certificates, attendance actions
    api.add_router("", training_mentoring_router)  # /mentorships
    api.add_router("", training_stats_router)  # /training-stats
    api.add_router("", services_centres_router)  # /service-centres, /service-orders, /service-projects
    api.add_router("", services_facilities_router)  # /facility-requests
    api.add_router("", services_benefits_router)  # /merchants, /offers, /redemptions
    api.add_router("", services_venues_router)  # /venues, /room-bookings, /programme
    api.add_router("", services_events_router)  # /events
    api.add_router("", welfare_mutualaid_router)  # /mutual-aid-plans, /mutual-aid-claims
    api.add_router("", welfare_campaigns_router)  # /campaigns, /campaign-applications
    api.add_router("", welfare_hardship_router)  # /hardship-files
    api.add_router("", voice_intake_router)  # /public/appeals, /my/appeals
    api.add_router("", voice_appeals_router)  # /appeals
    api.add_router("", voice_surveys_router)  # /surveys
    api.add_router("", voice_stats_router)  # /appeal-stats
    api.add_router("", publicity_articles_router)  # /articles
    api.add_router("", publicity_activities_router)  # /theme-activities
    api.add_router("", publicity_studies_router)  # /study-sessions
    api.add_router("", reports_rollups_router)  # /reports/rollups
    api.add_router("", reports_dashboard_router)  # /reports/dashboard
    api.add_router("", reports_annual_router)  # /reports/annual
    api.add_router("", portal_auth_router)  # /portal/auth (phone + password or SMS code)
    api.add_router("", portal_joins_router)  # /join-requests, /my/join-request, /my/transfer-request
    api.add_router("", portal_home_router)  # /my/membership


_add_routers()
