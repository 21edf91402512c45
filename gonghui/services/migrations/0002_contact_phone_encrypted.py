"""A room booking contact's mobile encrypted at rest: the encrypted columns (gonghui.core.pii:
Fernet ciphertext, keyed lookup hash, masked form) are added and filled from the clear
`contact_phone` column; 0003 then drops it. Split in two so the rows are rewritten in a transaction
of their own before the table is altered (PostgreSQL refuses to ALTER a table with pending trigger
events in the same transaction)."""

from django.db import migrations, models

from gonghui.core import pii

BATCH = 1000


def encrypt_rows(apps, schema_editor):
    model = apps.get_model("services", "RoomBooking")
    rows = []
    for row in model.objects.exclude(contact_phone="").only("pk", "contact_phone").iterator(chunk_size=BATCH):
        number = row.contact_phone
        row.contact_phone_enc = pii.encrypt(number)
        row.contact_phone_hash = pii.lookup_hash(number)
        row.contact_phone_masked = pii.mask_phone(number)
        rows.append(row)
    model.objects.bulk_update(rows, ["contact_phone_enc", "contact_phone_hash", "contact_phone_masked"], batch_size=BATCH)


def decrypt_rows(apps, schema_editor):
    """Backwards: the clear column (re-added by reversing 0003) gets the decrypted number back."""
    model = apps.get_model("services", "RoomBooking")
    rows = []
    for row in model.objects.exclude(contact_phone_enc="").only("pk", "contact_phone_enc").iterator(chunk_size=BATCH):
        row.contact_phone = pii.decrypt(row.contact_phone_enc)
        rows.append(row)
    model.objects.bulk_update(rows, ["contact_phone"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("services", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="roombooking",
            name="contact_phone_enc",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="roombooking",
            name="contact_phone_hash",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="roombooking",
            name="contact_phone_masked",
            field=models.CharField(blank=True, max_length=20, verbose_name="contact phone"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
