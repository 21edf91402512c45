"""A teacher's mobile encrypted at rest: the clear `phone` column goes, now that 0002 has copied it
encrypted. Reversible: backwards the column comes back (empty) and 0002's reverse fills it by
decrypting."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0002_phone_encrypted"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="teacher",
            name="phone",
        ),
    ]
