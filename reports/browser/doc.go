// Package browser holds only tests: they drive a real headless Chromium over
// the Chrome DevTools Protocol (chromedp) against the HTML pages that package
// reports writes, and check what a person opening a report would meet. It
// has no non-test code and nothing imports it.
//
//	result.Run ──reports.WriteRun──► tmp/index.html, tmp/<slug>/report.html ─┐
//	$HATEST_BROWSER_REPORT_DIR (a real run: index.html, results.json, ...) ──┤
//	                                                                         ▼
//	   one headless Chromium, a tab per page (4 at once), pages loaded over file://
//	     ├─ script on:  no console error, no uncaught exception, no request
//	     │              that is not file: or data:; lanes, windows and steps
//	     │              are elements; hovering a window shows #tooltip with its
//	     │              client; clicking it zooms the axis, Reset zoom puts
//	     │              ticks, labels and the scenario start line back where
//	     │              the server drew them; strings never run; nothing is
//	     │              cut off, overlaps a lane's labels, spills out of its
//	     │              section or makes the page scroll sideways; unmeasured
//	     │              failover phases read —; index rows link to existing
//	     │              reports, failures first
//	     ├─ script off: the same lanes, marks and each window's <title>
//	     └─ screenshots ──► $HATEST_ARTIFACT_DIR (else a temporary directory)
//
// A scenario whose strings carry HTML and script (a <script> element and an
// attribute breakout) is always rendered and loaded too: the page must show
// the strings as text and never run them.
//
// The tests need Chromium: "chromium" or "chromium-browser" on PATH, or the
// path in $HATEST_CHROMIUM. Without one they fail, saying so; set
// HATEST_SKIP_BROWSER=1 to skip them instead.
//
// Usage:
//
//	go test ./reports/browser/ -v -count=1                       # a rendered sample run
//	HATEST_BROWSER_REPORT_DIR=hatest-test/catalogue \
//	HATEST_ARTIFACT_DIR=/tmp/shots go test ./reports/browser/    # a real run's reports
//	HATEST_SKIP_BROWSER=1 go test ./...                          # on a machine without Chromium
package browser
