using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AsyncProf.Reports;
using AsyncProf.Reports.Html;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Html
{
    /// <summary>
    /// Where the time went, in the HTML report in headless Chromium: the Running / Blocked / Suspended switch on a
    /// profile where Main (300 ms) calls Work (100 ms: 50 on CPU, 50 blocked) and awaits Wait (200 ms suspended), a
    /// profile without the wall split keeping wall, CPU and allocations; and the critical path's frames underlined.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class WhereTimeWentHtmlBrowserTests
    {
        const long Ms = 1_000_000;
        static readonly string ArtifactDir = Path.Combine(RepoPaths.Scratch, "html");
        HeadlessChromium _browser = null!;

        [OneTimeSetUp]
        public async Task Start()
        {
            HeadlessChromium.RequireInstalled();
            Directory.CreateDirectory(ArtifactDir);
            _browser = await HeadlessChromium.LaunchAsync(1400, 900);
        }

        [OneTimeTearDown]
        public async Task Stop()
        {
            if (_browser != null) await _browser.DisposeAsync();
        }

        [TearDown]
        public void NoErrors() => Assert.That(_browser.PageErrors, Is.Empty, "the page reported errors");

        async Task Open(Profile profile, string name)
        {
            var path = Path.Combine(ArtifactDir, name);
            using (var file = File.Create(path)) new HtmlExporter().Export(profile, file);
            await _browser.NavigateAsync(new Uri(path).AbsoluteUri);
            await _browser.WaitForAsync("document.body && document.body.dataset.ready === 'true'");
        }

        Task<double?> Width(string function) => _browser.EvaluateAsync<double?>($$"""
            (() => {
              const f = document.querySelector('#flame .frame[data-function="{{function}}"]');
              return f ? f.getBoundingClientRect().width / document.getElementById('flame').getBoundingClientRect().width : null;
            })()
            """);

        [Test]
        public async Task The_blocked_and_suspended_views_draw_where_that_time_went()
        {
            await Open(Make("split",
                new Node("Main", 1, 300 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 60 * Ms, BlockedNs: 40 * Ms, SuspendedNs: 200 * Ms),
                new Node("Main>Work", 2, 100 * Ms, SelfCpuNs: 50 * Ms, RunningNs: 50 * Ms, BlockedNs: 50 * Ms),
                new Node("Main>Wait", 1, 200 * Ms, SuspendedNs: 200 * Ms)), "wall-split-report.html");
            const string main = "Main", work = "Work", wait = "Wait";
            var visible = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#metric-switch button')].filter(b => !b.hidden).map(b => b.dataset.metric)");
            Assert.That(visible, Is.EqualTo(new[] { "wall", "cpu", "alloc", "running", "blocked", "suspended" }));
            var headers = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#function-table thead th')].map(t => t.textContent.replace(/[\\u25b2\\u25bc]/g, '').trim())");
            Assert.That(headers, Is.SupersetOf(new[] { "Running", "Blocked", "Suspended" }));

            await _browser.ClickAsync("#metric-switch button[data-metric=blocked]");
            await _browser.WaitForAsync("document.body.dataset.metric === 'blocked'");
            Assert.That(await Width(work), Is.GreaterThan(0.95), "Work's 50 ms blocked is all of it (Main's 40 ms fit under it)");
            Assert.That(await Width(wait), Is.Null, "Wait blocked nothing");

            await _browser.ClickAsync("#metric-switch button[data-metric=suspended]");
            await _browser.WaitForAsync("document.body.dataset.metric === 'suspended'");
            Assert.That(await Width(wait), Is.GreaterThan(0.95));
            Assert.That(await Width(work), Is.Null);
            Assert.That(await Width(main), Is.GreaterThan(0.95));
            var shot = Path.Combine(ArtifactDir, "wall-split-suspended.png");
            await File.WriteAllBytesAsync(shot, await _browser.ScreenshotAsync());
            TestContext.AddTestAttachment(shot, "the suspended view");
        }

        [Test]
        public async Task The_queued_view_draws_the_continuations_that_waited_for_a_thread()
        {
            await Open(Make("queued",
                new Node("Main", 1, 300 * Ms, SelfCpuNs: 40 * Ms, RunningNs: 50 * Ms, SuspendedNs: 250 * Ms),
                new Node("Main>Yielder", 1, 250 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 10 * Ms, SuspendedNs: 240 * Ms, QueuedNs: 180 * Ms),
                new Node("Main>Other", 1, 40 * Ms, SelfCpuNs: 40 * Ms, RunningNs: 40 * Ms)), "queued-report.html");
            var visible = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#metric-switch button')].filter(b => !b.hidden).map(b => b.dataset.metric)");
            Assert.That(visible, Is.EqualTo(new[] { "wall", "cpu", "alloc", "running", "blocked", "suspended", "queued" }));
            var headers = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#function-table thead th')].map(t => t.textContent.replace(/[\\u25b2\\u25bc]/g, '').trim())");
            Assert.That(headers, Does.Contain("Queued"));

            await _browser.ClickAsync("#metric-switch button[data-metric=queued]");
            await _browser.WaitForAsync("document.body.dataset.metric === 'queued'");
            Assert.That(await Width("Yielder"), Is.GreaterThan(0.95), "all the queued time is Yielder's");
            Assert.That(await Width("Other"), Is.Null, "Other never waited for a thread");
        }

        [Test]
        public async Task The_critical_path_is_underlined()
        {
            await Open(Make("server",
                new Node("Main", 1, 900 * Ms, Suspends: 2),
                new Node("Main>Handle", 2, 850 * Ms, Suspends: 4, CriticalCount: 2, CriticalNs: 840 * Ms),
                new Node("Main>Handle>Http", 4, 800 * Ms, CriticalCount: 3, CriticalNs: 610 * Ms),
                new Node("Main>Handle>Db", 4, 600 * Ms, CriticalCount: 1, CriticalNs: 190 * Ms)), "critical-path-report.html");
            var critical = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#flame .frame.critical')].map(f => f.dataset.function)");
            Assert.That(critical, Is.EqualTo(new[] { "Main", "Handle", "Http" }));
            var shadow = await _browser.EvaluateAsync<string>("getComputedStyle(document.querySelector('#flame .frame.critical')).boxShadow");
            Assert.That(shadow, Does.Contain("inset"), "drawn underlined");
            Assert.That(await _browser.EvaluateAsync<bool>("!!document.getElementById('legend-critical')"), "the legend says what it is");
            var shot = Path.Combine(ArtifactDir, "critical-path.png");
            await File.WriteAllBytesAsync(shot, await _browser.ScreenshotAsync());
            TestContext.AddTestAttachment(shot, "the critical path underlined");
        }

        [Test]
        public async Task A_profile_without_the_split_keeps_three_metrics()
        {
            await Open(Pipeline("old", 30), "no-split-report.html");
            var visible = await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#metric-switch button')].filter(b => !b.hidden).map(b => b.dataset.metric)");
            Assert.That(visible, Is.EqualTo(new[] { "wall", "cpu", "alloc" }));
        }
    }
}
