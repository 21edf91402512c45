"""A room booking contact's mobile encrypted at rest: the clear `contact_phone` column goes, now that 0002 has copied it encrypted. Reversible:
backwards the column comes back (empty) and 0002's reverse fills it by decrypting."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("services", "0002_contact_phone_encrypted"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="roombooking",
            name="contact_phone",
        ),
    ]
