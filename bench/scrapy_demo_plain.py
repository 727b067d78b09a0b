"""The Scrapy baseline of `make bench`: spiders/demo_plain.c written for Scrapy.

bench/bench_crawl.sh crawls a store of `tools/gen_site bench` with this
spider, against the same nginx and in the same run as the marketcrawl
spiders, so that the speed of marketcrawl is stated as a ratio to Scrapy
measured on the same machine at the same moment (issue 19).  It reads the
same items with the same plain `//tag[@class='...']` selectors as
spiders/demo_plain.c and follows the same links: index -> listing pages
(next links) -> product pages -> related products.

Run it as a Scrapy user runs a spider fast against a server of their own:

    scrapy runspider bench/scrapy_demo_plain.py -a origin=http://127.0.0.1:PORT/ \
        -O items.jsonl

The settings below are the local-benchmark ones, the counterpart of
marketcrawl's --fast (no delay, high concurrency) with the same politeness
left on: robots.txt obeyed (marketcrawl obeys it in --fast too), cookies on,
retries and redirects on.  No AutoThrottle, no HTTP cache.  Every item is
written to the JSON Lines feed given with -O, so every item is produced.
Scrapy runs in one process, so on one core of the two.
"""
import re

import scrapy

PRICE = re.compile(r"([0-9]+)(?:[.,]([0-9]{2}))?")
DISCOUNT = re.compile(r"([0-9]{1,3})\s*%")


def parse_price(text):
    """ "14,99 €", "US$ 14.99" -> "14.99"; "Free" -> "0"; None when absent."""
    if text is None:
        return None
    if text.strip().lower() == "free":
        return "0"
    m = PRICE.search(text)
    if not m:
        return None
    return m.group(1) + ("." + m.group(2) if m.group(2) else "")


def text_of(sel):
    """The element's text, whitespace collapsed, as mc_xpath_text returns it."""
    return " ".join(" ".join(sel[0].xpath(".//text()").getall()).split()) if sel else None


class DemoPlainSpider(scrapy.Spider):
    name = "demo_plain"
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }

    def __init__(self, origin="http://127.0.0.1:8080/", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [origin]
        self.allowed_domains = ["127.0.0.1", "localhost"]

    def parse(self, response):
        links = response.xpath("//a[@class='store-link']/@href").getall()
        if not links:
            self.logger.warning("no store links on the index page: %s", response.url)
        yield from response.follow_all(links, self.parse_listing)

    def parse_listing(self, response):
        yield from response.follow_all(
            response.xpath("//li[@class='product-card']/a/@href").getall(), self.parse_product)
        yield from response.follow_all(response.xpath("//a[@rel='next']/@href").getall(), self.parse_listing)

    def parse_product(self, response):
        discount = text_of(response.xpath("//span[@class='badge badge--discount']"))
        pct = DISCOUNT.search(discount) if discount else None
        item = {
            "marketplace": response.xpath("//meta[@name='store-id']/@content").get(),
            "external_id": response.xpath("//article[@class='product']/@data-sku").get(),
            "product_key": response.xpath("//article[@class='product']/@data-product-key").get(),
            "url": response.url,
            "title": text_of(response.xpath("//h1[@class='product__title']")),
            "price": parse_price(text_of(response.xpath("//span[@class='price price--final']"))),
            "list_price": parse_price(text_of(response.xpath("//s[@class='price price--list']"))),
            "currency": response.xpath("//span[@class='price price--final']/@data-currency").get(),
            "availability": response.xpath("//div[@class='buy-box']/@data-availability").get(),
            "platforms": response.xpath("//ul[@class='platforms']/li/@data-platform").getall(),
            "release_date": response.xpath("//table[@class='facts']//time/@datetime").get(),
        }
        if pct:
            item["discount_pct"] = int(pct.group(1))
        yield item
        yield from response.follow_all(
            response.xpath("//a[@class='related__link']/@href").getall(), self.parse_product)
