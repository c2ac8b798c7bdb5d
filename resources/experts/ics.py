"""A booking as an iCalendar file (RFC 5545), through the `icalendar` library."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vCalAddress, vText

from resources.experts.models import Booking, BookingState


def booking_ics(booking: Booking, *, host: str, url: str = "") -> bytes:
    """One VEVENT in UTC; a cancelled booking is STATUS:CANCELLED with METHOD:CANCEL, so
    calendars that imported it remove it. The UID is stable per booking."""
    cal = Calendar()
    cal.add("prodid", "-//Podium//Office hours//EN")
    cal.add("version", "2.0")
    cancelled = booking.state == BookingState.CANCELLED
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    ev = Event()
    ev.add("uid", f"booking-{booking.pk}@{host}")
    ev.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    ev.add("dtstart", booking.start.astimezone(dt.UTC))
    ev.add("dtend", booking.end.astimezone(dt.UTC))
    ev.add("summary", f"Office hours with {booking.expert}: {booking.topic}")
    ev.add("description", f"Booked for {booking.pod}." + (f"\n{url}" if url else ""))
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("sequence", 1 if cancelled else 0)
    if url:
        ev.add("url", url)
    email = booking.expert.person.email
    if email:
        organizer = vCalAddress(f"mailto:{email}")
        organizer.params["cn"] = vText(str(booking.expert))
        ev["organizer"] = organizer
    cal.add_component(ev)
    return cal.to_ical()
