"""The JSON API at /api/v1/: one NinjaAPI, each app contributes its router from `<app>/api.py`.

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs (assets served from static,
no CDN). Authentication: `Authorization: Bearer <token>` from POST /api/v1/auth/token, or the
browser's session cookie (with the CSRF header on unsafe methods). Error bodies, pagination,
rate limits and Idempotency-Key: see gonghui/core/api_support.py.
"""

from ninja import NinjaAPI

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

api = NinjaAPI(title="智慧工会 API", version="1", urls_namespace="api", description=DESCRIPTION,
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
