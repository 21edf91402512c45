"""Tasks of the `surveys` area: close the open surveys whose closing date has passed (daily).

Members never see a survey after its closing date whether or not this ran (the member pages ask
for `opens_on <= today <= closes_on`); the task makes the status say so and counts the targeted
persons a last time. Beat entry (asked of the lead): "voice-close-due-surveys", daily 00:20.
"""

from celery import shared_task


@shared_task
def close_due_surveys_task():
    from ..services.surveys import close_due_surveys

    return close_due_surveys()
