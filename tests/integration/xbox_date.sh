#!/usr/bin/env bash
# The xbox spider judges an offer's StartDate/EndDate at the answer's Date
# header (the API's clock).  The saved KR DisplayCatalog answer (tests/
# spiders/xbox/pages/) is served by the fixture server with a Date chosen by
# a FILE.headers sidecar, and `marketcrawl parse` runs parse_products on it:
# the windows of the real offers (2026-07-30T10:00 to 2026-08-19T23:59:59,
# to 2026-09-07T09:59:59, or open) decide which products are for sale.  The
# replay of check-spider serves no headers, so this is the Date path's test.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

ids='bigIds=9NQ0MVSLV0G7,9PJ2RVRC0L1X,9N2ZDN7NWQKV,9NKC1Z4Z92VN,9PH339L3Z99C,9NBR63PT4FZC'
root=$T/site
# serve NAME DATE: the KR answer at /NAME/v7.0/products with that Date.
serve() {
	mkdir -p "$root/$1/v7.0"
	cp tests/spiders/xbox/pages/displaycatalog_products_kr.json "$root/$1/v7.0/products"
	printf 'Content-Type: application/json\nDate: %s\n' "$2" >"$root/$1/v7.0/products.headers"
}
serve before 'Thu, 30 Jul 2026 09:59:59 GMT'
serve during 'Wed, 05 Aug 2026 12:00:00 GMT'
serve after_aug19 'Tue, 01 Sep 2026 00:00:00 GMT'
serve after_sep07 'Mon, 07 Sep 2026 09:59:59 GMT'
start_httpd "$root"

# ids NAME: the external ids parse_products emits for /NAME/..., in order.
ids_at() {
	mc parse "$HTTPD_URL/$1/v7.0/products?$ids&market=KR&languages=ko-kr" --spider xbox \
		--callback parse_products --allow-domain 127.0.0.1 2>"$T/$1.err" |
		sed -n 's/.*"external_id":"\([^"]*\)".*/\1/p' | tr '\n' ' '
}

check_eq "$(ids_at during)" \
	"9NQ0MVSLV0G7 9PJ2RVRC0L1X 9N2ZDN7NWQKV 9NKC1Z4Z92VN 9PH339L3Z99C 9NBR63PT4FZC " \
	"xbox: on 2026-08-05 (Date header) every product's offer is within its window"
check_eq "$(ids_at before)" "" \
	"xbox: a second before 2026-07-30T10:00 no offer has started"
check "xbox: ... and the log says so" \
	grep -qF 'product 9N2ZDN7NWQKV: no offer for sale in market KR (1 not started, 3 no Purchase action); skipped' "$T/before.err"
check_eq "$(ids_at after_aug19)" "9PJ2RVRC0L1X 9N2ZDN7NWQKV 9PH339L3Z99C 9NBR63PT4FZC " \
	"xbox: on 2026-09-01 the GTA V bundle's and GTA Online's offers (until 2026-08-19) have ended"
check "xbox: ... and the log says so" \
	grep -qF 'product 9NQ0MVSLV0G7: no offer for sale in market KR (1 ended, 3 no Purchase action); skipped' "$T/after_aug19.err"
check_eq "$(ids_at after_sep07)" "9N2ZDN7NWQKV 9PH339L3Z99C 9NBR63PT4FZC " \
	"xbox: at 2026-09-07T09:59:59, NBA 2K26's EndDate, its offer has ended too (the end is exclusive)"
