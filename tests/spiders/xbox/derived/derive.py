# How derived/ was made from pages/ (python3 derived/derive.py, run in
# tests/spiders/xbox/): exact text replacements, each of text that occurs
# once after the named availability, nothing else changed.  See VERIFIED.md.
import hashlib


def edit(text, anchor, old, new):
    at = text.index(anchor)
    i = text.index(old, at)
    assert text.count(anchor) == 1
    return text[:i] + new + text[i + len(old):]


kr = open("pages/displaycatalog_products_kr.json", encoding="utf-8").read()
# GTA V bundle: its offer for sale ended on 2026-08-01.
kr = edit(kr, '"AvailabilityId":"9QFTT8XPR0KF"', '"EndDate":"2026-08-19T23:59:59.0000000Z"',
          '"EndDate":"2026-08-01T00:00:00.0000000Z"')
# NBA 2K26: its offer for sale at half price (MSRP unchanged).
kr = edit(kr, '"AvailabilityId":"B3PL0F2MGW3P"', '"ListPrice":84800.0', '"ListPrice":42400.0')
# Red Dead Redemption 2: its offer for sale is for market JP.
kr = edit(kr, '"AvailabilityId":"9Q6R7CNWJJ4P"', '"Markets":["KR"]', '"Markets":["JP"]')
# Grand Theft Auto Online: its offer for sale loses "Purchase" (the
# remediation offer after it is then the first with Purchase).
i = kr.index('"AvailabilityId":"9NS4JX4SHSNR"')
j = kr.rindex('"Actions":["Details","Purchase","Browse","Curate","Redeem"]', 0, i)
assert i - j < 200
kr = kr[:j] + '"Actions":["Details","Browse","Curate","Redeem"]' + kr[j + 59:]
# Ready or Not: its offer for sale starts on 2026-09-01.
kr = edit(kr, '"AvailabilityId":"9TNZCLFTM38C"', '"StartDate":"2026-07-30T10:00:00.0000000Z"',
          '"StartDate":"2026-09-01T00:00:00.0000000Z"')
open("derived/displaycatalog_products_kr_edited.json", "w", encoding="utf-8", newline="").write(kr)

us = open("pages/displaycatalog_browse_us.json", encoding="utf-8").read()
# Fortnite: its Purchase availability at 19.99, MSRP 29.99.
assert us.count('"Purchase"') == 1
us = edit(us, '"Purchase"', '"ListPrice": 0.0', '"ListPrice": 19.99')
us = edit(us, '"Purchase"', '"MSRP": 0.0', '"MSRP": 29.99')
open("derived/displaycatalog_browse_us_priced.json", "w", encoding="utf-8", newline="").write(us)

for f in ("derived/displaycatalog_products_kr_edited.json", "derived/displaycatalog_browse_us_priced.json"):
    print(hashlib.sha256(open(f, "rb").read()).hexdigest()[:16], f)
