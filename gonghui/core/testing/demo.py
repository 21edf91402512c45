"""Empty the database of everything `seed_demo` writes, in an order the protecting foreign keys
allow (tests that seed twice to compare runs)."""


def wipe_demo_data():
    from gonghui.accounts.models import RoleAssignment, User
    from gonghui.bargaining.models import StaffRequest, WageAgreement
    from gonghui.congress.models import CongressBody, Disclosure, Proposal, Session
    from gonghui.core.demo import competitions as demo_competitions
    from gonghui.core.demo import grassroots as demo_grassroots
    from gonghui.core.demo import honours as demo_honours
    from gonghui.core.demo import portal as demo_portal
    from gonghui.core.demo import publicity as demo_publicity
    from gonghui.core.demo import reports as demo_reports
    from gonghui.core.demo import services as demo_services
    from gonghui.core.demo import training as demo_training
    from gonghui.core.demo import voice as demo_voice
    from gonghui.core.demo import welfare as demo_welfare
    from gonghui.core.models import AuditEvent
    from gonghui.innovation.models import Suggestion, TechProject
    from gonghui.members.models import Membership, Person, Transfer
    from gonghui.orgs.models import Enterprise, Org

    # Negotiations and staff requests protect their orgs and enterprises; memberships their people.
    # Congress: proposals protect their sessions and delegates, sessions their term (deleting a term
    # takes its delegates, a session its agenda, a proposal its co-signatures); all protect the org.
    congress = (Proposal, Session, CongressBody, Disclosure)
    # Innovation: suggestions and projects protect their orgs and enterprises (deleting them takes
    # their scores, team members and milestones).
    innovation = (Suggestion, TechProject)
    # Honours, competitions and grassroots building go first: its rows point at orgs, enterprises, people and users.
    demo_reports.wipe()
    demo_portal.wipe()
    demo_publicity.wipe()
    demo_voice.wipe()
    demo_welfare.wipe()
    demo_services.wipe()
    demo_training.wipe()
    demo_honours.wipe()
    demo_competitions.wipe()
    demo_grassroots.wipe()
    # Audit rows are append-only in PostgreSQL (core.audit_guard); emptying a test database is the
    # deliberate purge the guard lets through.
    from gonghui.core.audit_guard import audit_guard_lifted

    with audit_guard_lifted():
        for model in (StaffRequest, WageAgreement, *congress, *innovation, Transfer, Membership, Person, Enterprise,
                      RoleAssignment, AuditEvent, Org, User):
            model.objects.all().delete()
