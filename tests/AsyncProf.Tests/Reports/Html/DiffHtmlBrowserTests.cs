using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using AsyncProf.Reports.Diff;
using AsyncProf.Reports.Html;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Html
{
    /// <summary>
    /// The diff page (<c>asyncprof diff -o diff.html</c>) in Debian's headless Chromium: the differential flame graph
    /// colours what grew red and what shrank blue, the metric switch redraws it, a click zooms, the table lists the
    /// mover first. Screenshots land in artifacts/tests/html/.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class DiffHtmlBrowserTests
    {
        static readonly string ArtifactDir = Path.Combine(RepoPaths.Scratch, "html");
        HeadlessChromium _browser = null!;
        string _url = "", _splitUrl = "";

        [OneTimeSetUp]
        public async Task Start()
        {
            HeadlessChromium.RequireInstalled();
            Directory.CreateDirectory(ArtifactDir);
            // Transform 30 → 330 ms, Save 60 → 30 ms, Parse's allocations 1 KB → 900 KB.
            var diff = ProfileDiff.Compute(Pipeline("before", transformMs: 30, saveMs: 60, parseAlloc: 1000),
                Pipeline("after", transformMs: 330, saveMs: 30, parseAlloc: 900_000));
            var path = Path.Combine(ArtifactDir, "diff-report.html");
            using (var file = File.Create(path)) DiffHtmlExporter.Export(diff, file);
            _url = new Uri(path).AbsoluteUri;
            // Fetch waits 100 ms either way: awaiting before, blocking its thread after
            var split = ProfileDiff.Compute(Waiting("awaits", blocks: false), Waiting("blocks", blocks: true));
            var splitPath = Path.Combine(ArtifactDir, "diff-split-report.html");
            using (var file = File.Create(splitPath)) DiffHtmlExporter.Export(split, file);
            _splitUrl = new Uri(splitPath).AbsoluteUri;
            _browser = await HeadlessChromium.LaunchAsync(1400, 900);
        }

        [OneTimeTearDown]
        public async Task Stop()
        {
            if (_browser != null) await _browser.DisposeAsync();
        }

        [SetUp]
        public async Task Open()
        {
            await _browser.NavigateAsync(_url);
            await _browser.WaitForAsync("document.body && document.body.dataset.ready === 'true'");
        }

        [TearDown]
        public void NoErrorsNoNetwork()
        {
            Assert.That(_browser.PageErrors, Is.Empty, "the page reported errors");
            Assert.That(_browser.RequestedUrls.Where(u => !u.StartsWith("file:", StringComparison.Ordinal)), Is.Empty, "the page asked for nothing but its file");
        }

        public sealed record FrameInfo(string Change, double Delta, string Color, double Width);

        Task<FrameInfo> Frame(string name) => _browser.EvaluateAsync<FrameInfo>($$"""
            (() => {
              const f = [...document.querySelectorAll('#flame .frame:not(.ancestor)')].find(e => e.dataset.name === {{JsonSerializer.Serialize(name)}});
              if (!f) return null;
              return { change: f.dataset.change, delta: Number(f.dataset.delta), color: getComputedStyle(f).backgroundColor,
                       width: f.getBoundingClientRect().width / document.getElementById('flame').getBoundingClientRect().width };
            })()
            """);

        static (int R, int G, int B) Rgb(string css)
        {
            var parts = css.Substring(css.IndexOf('(') + 1).TrimEnd(')').Split(',').Select(p => int.Parse(p.Trim())).ToArray();
            return (parts[0], parts[1], parts[2]);
        }

        [Test]
        public async Task What_grew_is_red_what_shrank_is_blue_and_callers_that_only_grew_through_a_callee_are_grey()
        {
            var transform = await Frame("Transform");
            Assert.That(transform.Change, Is.EqualTo("grown"));
            Assert.That(transform.Delta, Is.EqualTo(300_000_000));
            var (r, g, b) = Rgb(transform.Color);
            Assert.That(r, Is.GreaterThan(g + 60).And.GreaterThan(b + 60), "red: " + transform.Color);

            var save = await Frame("Save");
            Assert.That(save.Change, Is.EqualTo("shrunk"));
            (r, g, b) = Rgb(save.Color);
            Assert.That(b, Is.GreaterThan(r + 60), "blue: " + save.Color);

            var run = await Frame("Run");
            Assert.That(run.Change, Is.EqualTo("same"), "Run's own code did not change");
            Assert.That(transform.Width, Is.GreaterThan(0.6), "Transform is 330 of Run's 420 ms after");
            Assert.That(save.Width, Is.LessThan(0.15));

            var path = Path.Combine(ArtifactDir, "diff-report.png");
            await File.WriteAllBytesAsync(path, await _browser.ScreenshotAsync());
            TestContext.AddTestAttachment(path, "the diff page, wall time");
        }

        [Test]
        public async Task The_metric_switch_redraws_by_allocations()
        {
            await _browser.ClickAsync("#metric-switch button[data-metric=alloc]");
            await _browser.WaitForAsync("document.body.dataset.metric === 'alloc'");
            Assert.That((await Frame("Parse")).Change, Is.EqualTo("grown"));
            Assert.That(await Frame("Transform"), Is.Null, "Transform allocates nothing either way: no width, not drawn");
            Assert.That((await Frame("Run")).Change, Is.EqualTo("same"));
            var first = await _browser.EvaluateAsync<string>("document.querySelector('#function-table tbody tr').dataset.function");
            Assert.That(first, Is.EqualTo("Parse"));
        }

        [Test]
        public async Task Profiles_without_the_wall_split_get_no_split_buttons()
        {
            var buttons = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#metric-switch button')].map(b => b.dataset.metric)");
            Assert.That(buttons, Is.EqualTo(new[] { "wall", "cpu", "alloc" }));
        }

        [Test]
        public async Task A_wait_that_turned_into_blocking_shows_under_the_blocked_switch_though_its_wall_did_not_move()
        {
            await _browser.NavigateAsync(_splitUrl);
            await _browser.WaitForAsync("document.body && document.body.dataset.ready === 'true'");
            var buttons = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#metric-switch button')].map(b => b.dataset.metric)");
            Assert.That(buttons, Is.EqualTo(new[] { "wall", "cpu", "alloc", "running", "blocked", "suspended" }), "no queued or GC time either side: no buttons for them");
            Assert.That((await Frame("Fetch")).Change, Is.EqualTo("same"), "wall time: 100 ms both sides");

            await _browser.ClickAsync("#metric-switch button[data-metric=blocked]");
            await _browser.WaitForAsync("document.body.dataset.metric === 'blocked'");
            var fetch = await Frame("Fetch");
            Assert.That((fetch.Change, fetch.Delta), Is.EqualTo(("grown", 99_000_000.0)));
            Assert.That((await Frame("Handle")).Change, Is.EqualTo("same"), "Handle only waits through Fetch");
            var first = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#function-table tbody tr:first-child td')].map(t => t.textContent)");
            Assert.That(first.Take(5), Is.EqualTo(new[] { "Fetch", "1", "0", "99.0 ms", "+99.0 ms" }));

            await _browser.ClickAsync("#metric-switch button[data-metric=suspended]");
            await _browser.WaitForAsync("document.body.dataset.metric === 'suspended'");
            Assert.That((await Frame("Fetch")).Change, Is.EqualTo("shrunk"));
            var path = Path.Combine(ArtifactDir, "diff-split-report.png");
            await File.WriteAllBytesAsync(path, await _browser.ScreenshotAsync());
            TestContext.AddTestAttachment(path, "the diff page, suspended time");
        }

        [Test]
        public async Task The_table_lists_the_mover_first_and_a_click_zooms_into_a_frame()
        {
            var rows = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#function-table tbody tr')].map(r => r.dataset.function)");
            Assert.That(rows[0], Is.EqualTo("Transform"));
            Assert.That(rows, Has.Length.EqualTo(5));
            var cells = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#function-table tbody tr:first-child td')].map(t => t.textContent)");
            Assert.That(cells, Is.EqualTo(new[] { "Transform", "3", "30.0 ms", "330.0 ms", "+300.0 ms", "+1000.0%", "+300.0 ms", "+1000.0%" }));

            var runPath = await _browser.EvaluateAsync<string>("[...document.querySelectorAll('#flame .frame')].find(e => e.dataset.name === 'Run').dataset.path");
            await _browser.ClickAsync($"#flame .frame[data-path=\"{runPath}\"]");
            await _browser.WaitForAsync($"document.body.dataset.zoom === '{runPath}'");
            Assert.That((await Frame("Run")).Width, Is.GreaterThan(0.99), "the zoomed frame fills the width");
            await _browser.ClickAsync("#reset-zoom");
            await _browser.WaitForAsync("document.body.dataset.zoom === 'all'");
        }
    }
}
