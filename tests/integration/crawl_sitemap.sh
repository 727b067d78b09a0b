# Starting a crawl from sitemaps: robots.txt Sitemap: lines → a sitemap
# index → a gzip-compressed sitemap and a plain one → pages, with a URL
# filter.  Asserts the exact items and the sitemap statistics.
. "$(dirname "$0")/../lib.sh"

site=$T/site
mkdir -p "$site/p" "$site/blog"
product() { # FILE SKU
	printf '<html><head><script type="application/ld+json">{"@type":"Product","sku":"%s","name":"Game %s","offers":{"price":"9.99","priceCurrency":"USD"}}</script></head><body></body></html>' "$2" "$2" > "$1"
}
for i in 1 2 3 4; do product "$site/p/$i.html" "p$i"; done
product "$site/blog/post.html" blog
start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL
printf 'User-agent: *\nAllow: /\nSitemap: %s/sitemap_index.xml\n' "$U" > "$site/robots.txt"
cat > "$site/sitemap_index.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>$U/sitemap-products.xml.gz</loc></sitemap>
  <sitemap><loc>$U/sitemap-more.xml</loc></sitemap>
</sitemapindex>
EOF2
cat > "$T/products.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>$U/p/1.html</loc></url><url><loc>$U/p/2.html</loc></url>
  <url><loc>$U/p/3.html</loc></url><url><loc>$U/blog/post.html</loc></url>
</urlset>
EOF2
gzip -c "$T/products.xml" > "$site/sitemap-products.xml.gz"
cat > "$site/sitemap-more.xml" <<EOF2
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>$U/p/4.html</loc></url><url><loc>$U/p/1.html</loc></url></urlset>
EOF2

out=$T/out
mc crawl schemaorg --sitemap "$U/robots.txt" --sitemap-filter '/p/[0-9]+\.html$' \
	--allow-domain 127.0.0.1 --out "$out" --delay 0 --no-health --no-progress >/dev/null 2>"$T/err"
check_eq "$?" 0 "sitemap crawl exits 0"
file=$(ls "$out"/*.jsonl)
check_eq "$(sed '1d;$d' "$file" | jq -r .external_id | sort | tr '\n' ' ')" "p1 p2 p3 p4 " \
	"every filtered page of both sitemaps, once"
run=$(tail -n 1 "$file" | jq -c .run)
check_eq "$(jq -r '.stats.sitemaps' <<<"$run")" 4 "robots.txt, the index and two sitemaps read"
check_eq "$(jq -r '.stats.sitemap_urls' <<<"$run")" 5 "five page URLs passed the filter (one a duplicate)"
check_eq "$(jq -r '.stats.duplicates' <<<"$run")" 1 "the duplicate page fetched once"
check_eq "$(grep -c '^GET /blog/' "$T/access.log")" 0 "filtered-out page never requested"

# A broken sitemap is counted, the crawl goes on.
echo 'not xml at all' > "$site/sitemap-more.xml"
rm -rf "$out"
mc crawl schemaorg --sitemap "$U/sitemap_index.xml" --allow-domain 127.0.0.1 --out "$out" \
	--delay 0 --no-health --no-progress >/dev/null 2>"$T/err2"
run=$(tail -n 1 "$out"/*.jsonl | jq -c .run)
check_eq "$(jq -r '.stats.errors.bad_sitemap' <<<"$run") $(jq -r .items <<<"$run")" "1 4" \
	"bad sitemap counted, the other one still crawled (no filter: 4 pages incl. blog)"
