"""A room booking contact's mobile encrypted at rest: the clear `contact_phone` column goes, now
that 0002 has copied it encrypted. Reversible: backwards the column comes back (empty) and 0002's
reverse fills it by decrypting. The column is first made blank=True (no SQL): re-added backwards, a
NOT NULL column without a blank default would refuse the existing rows."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("services", "0002_contact_phone_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="roombooking",
            name="contact_phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="contact phone"),
        ),
        migrations.RemoveField(
            model_name="roombooking",
            name="contact_phone",
        ),
    ]
