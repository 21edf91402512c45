"""Log filter that masks ID-card and mobile numbers, so PII never lands in log files."""

import logging
import re

ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
PHONE_PATTERN = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_text(text: str) -> str:
    text = ID_PATTERN.sub(r"\1********\2", text)
    return PHONE_PATTERN.sub(r"\1****\2", text)


class MaskPIIFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
