"""Worker services (DOMAIN.md §7), one module per area:

- `centres`: town worker service centres, the service catalogue, orders placed by grassroots
  unions (订单式) and projects run by the centres (项目式), satisfaction on completion;
- `facilities`: facilities for remote enterprises (mini-shop, canteen, bath, barber, ATM, bus
  stop) requested by unions, approved, run by a partner, opened;
- `benefits`: 会员普惠: partner merchants and their offers, the member e-card, redemptions;
- `venues`: the workers' cultural palace and other venues, room bookings, art-troupe
  performances and film screenings;
- `events`: culture and sports events with registration, capacity, waiting list, QR check-in,
  photos and participation statistics.
"""

from .benefits import *  # noqa: F403
from .centres import *  # noqa: F403
from .events import *  # noqa: F403
from .facilities import *  # noqa: F403
from .venues import *  # noqa: F403
