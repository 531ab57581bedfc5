using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using AsyncProf.Reports;
using AsyncProf.Reports.Html;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Html
{
    /// <summary>
    /// The html report in a real browser: Debian's headless Chromium opens the exported file from file:// and the
    /// tests click, type and read the page through the DevTools protocol (<see cref="HeadlessChromium"/>).
    /// Screenshots are kept under artifacts/tests/html/ and attached to the test results.
    /// Without Chromium every test fails, pointing to .ci/setup.sh.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class HtmlReportBrowserTests
    {
        const string Main = "Shop.Program.Main", AcceptLoop = "Shop.Server.AcceptLoop", HandleRequest = "Shop.Handlers.HandleRequest",
            GetProduct = "Shop.Handlers.GetProduct", GetCart = "Shop.Handlers.GetCart", Lookup = "Shop.Cache.Lookup",
            ComputeDiscounts = "Shop.Pricing.ComputeDiscounts", Serialize = "Shop.Json.Serialize", Log = "Shop.Logging.Log",
            Flush = "Shop.Background.Flush", Tick = "Shop.Timers.Tick", ApplyRule = "Shop.Pricing.ApplyRule";

        static readonly string ArtifactDir = Path.Combine(RepoPaths.Scratch, "html");

        HeadlessChromium _browser = null!;
        string _reportUrl = "";
        int _errorsBefore, _requestsBefore;

        [OneTimeSetUp]
        public async Task StartBrowser()
        {
            HeadlessChromium.RequireInstalled();
            Directory.CreateDirectory(ArtifactDir);
            _reportUrl = new Uri(WriteReport(HtmlReportFixtures.Shop(), "shop-report.html")).AbsoluteUri;
            _browser = await HeadlessChromium.LaunchAsync(1400, 1000);
        }

        [OneTimeTearDown]
        public async Task StopBrowser()
        {
            if (_browser != null) await _browser.DisposeAsync();
        }

        [SetUp]
        public async Task OpenReport()
        {
            _errorsBefore = _browser.PageErrors.Count;
            _requestsBefore = _browser.RequestedUrls.Count;
            await Open(_reportUrl);
        }

        [TearDown]
        public void NoScriptErrors()
        {
            var errors = _browser.PageErrors.Skip(_errorsBefore).ToList();
            Assert.That(errors, Is.Empty, "the page reported errors");
        }

        static string WriteReport(Profile profile, string fileName)
        {
            var path = Path.Combine(ArtifactDir, fileName);
            using (var file = File.Create(path)) new HtmlExporter().Export(profile, file);
            return path;
        }

        async Task Open(string url)
        {
            await _browser.NavigateAsync(url);
            await _browser.WaitForAsync("document.body && document.body.dataset.ready === 'true'");
        }

        async Task Screenshot(string name, string description)
        {
            var path = Path.Combine(ArtifactDir, name);
            await File.WriteAllBytesAsync(path, await _browser.ScreenshotAsync());
            TestContext.AddTestAttachment(path, description);
        }

        static string Frame(string function) => $"#flame .frame[data-function=\"{function}\"]";

        Task<string> Text(string selector) =>
            _browser.EvaluateAsync<string>($"(document.querySelector({JsonSerializer.Serialize(selector)}) || {{}}).textContent ?? null");

        Task<int> Count(string selector) =>
            _browser.EvaluateAsync<int>($"document.querySelectorAll({JsonSerializer.Serialize(selector)}).length");

        Task<string> BodyData(string name) => _browser.EvaluateAsync<string>($"document.body.dataset.{name}");

        public sealed record EdgeRow(string Function, string Name, string Calls, string Value, string Share, double? Fraction);

        /// <summary>The rows of #callers or #callees as the page shows them.</summary>
        Task<EdgeRow[]> EdgeRows(string table) => _browser.EvaluateAsync<EdgeRow[]>($$"""
            [...document.querySelectorAll('#{{table}} tbody tr')].map(tr => ({
              function: tr.dataset.function,
              name: tr.querySelector('[data-col=name]').textContent,
              calls: tr.querySelector('[data-col=calls]').textContent,
              value: tr.querySelector('[data-col=value]').textContent,
              share: tr.querySelector('[data-col=share] .pct').textContent,
              fraction: tr.querySelector('[data-col=share]').dataset.share === '' ? null : Number(tr.querySelector('[data-col=share]').dataset.share),
            }))
            """);

        /// <summary>A frame's box relative to the flame graph's width (0..1), or null when it is not drawn.</summary>
        async Task<(double Left, double Width)?> FrameBox(string function)
        {
            var box = await _browser.EvaluateAsync($$"""
                (() => {
                  const f = document.querySelector({{JsonSerializer.Serialize(Frame(function))}});
                  if (!f) return null;
                  const whole = document.getElementById('flame').getBoundingClientRect(), r = f.getBoundingClientRect();
                  return { left: (r.left - whole.left) / whole.width, width: r.width / whole.width };
                })()
                """);
            if (box.ValueKind != JsonValueKind.Object) return null;
            return (box.GetProperty("left").GetDouble(), box.GetProperty("width").GetDouble());
        }

        Task<string[]> TableColumn(string column) => _browser.EvaluateAsync<string[]>(
            $"[...document.querySelectorAll('#function-table tbody tr')].map(tr => tr.querySelector('[data-col={column}]').getAttribute('title') ?? tr.dataset.function)");

        Task<string[]> TableOrder() => _browser.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#function-table tbody tr')].map(tr => tr.dataset.function)");

        [Test]
        public async Task Clicking_a_frame_zooms_into_it_and_shows_its_callers_and_callees()
        {
            Assert.That(await BodyData("zoom"), Is.EqualTo("all"));
            Assert.That(await Count("#details-name"), Is.Zero, "nothing is selected before a click");
            Assert.That(await FrameBox(GetProduct), Is.Not.Null);
            await Screenshot("report-overview.png", "The report as it opens: wall time, whole profile");

            await _browser.ClickAsync(Frame(GetCart));

            // Zoom: GetCart is the new root of the picture, full width, with its callers above it as ancestors.
            Assert.That(await BodyData("zoom"), Is.EqualTo("10"), "zoomed into GetCart's node");
            Assert.That(await _browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#breadcrumb .crumb')].map(b => b.textContent)"),
                Is.EqualTo(new[] { "all", Main, AcceptLoop, HandleRequest, GetCart }));
            var zoomed = await FrameBox(GetCart);
            Assert.That(zoomed, Is.Not.Null);
            Assert.That(zoomed!.Value.Left, Is.EqualTo(0).Within(0.002));
            Assert.That(zoomed.Value.Width, Is.EqualTo(1).Within(0.002));
            Assert.That(await Count($"{Frame(HandleRequest)}.ancestor"), Is.EqualTo(1));
            Assert.That(await FrameBox(GetProduct), Is.Null, "frames outside the zoomed subtree are gone");
            Assert.That(await FrameBox(Flush), Is.Null);
            // GetCart's callees ran concurrently (433 ms of callee wall time in a 420 ms call): the frame is drawn
            // as wide as its children together, and ComputeDiscounts takes 400/433 of it.
            var discounts = await FrameBox(ComputeDiscounts);
            Assert.That(discounts!.Value.Width, Is.EqualTo(400.0 / 433.0).Within(0.01));
            Assert.That(await Count($"{Frame(ApplyRule)}"), Is.EqualTo(2), "the recursion shows as two nested frames");

            // Details: the function, its caller and its callees with their share of its wall time.
            Assert.That(await Text("#details-name"), Is.EqualTo(GetCart));
            Assert.That(await BodyData("selected"), Is.EqualTo(GetCart));
            Assert.That(await Text("#details [data-stat=calls]"), Is.EqualTo("15"));
            Assert.That(await Text("#details [data-stat=wallNs]"), Is.EqualTo("420.0 ms"));
            var callers = await EdgeRows("callers");
            Assert.That(callers.Select(r => (r.Function, r.Calls, r.Value, r.Share)),
                Is.EqualTo(new[] { (HandleRequest, "15", "420.0 ms", "100.0%") }));
            var callees = await EdgeRows("callees");
            Assert.That(callees.Select(r => (r.Function, r.Calls, r.Value, r.Share)), Is.EqualTo(new[]
            {
                (ComputeDiscounts, "15", "400.0 ms", "95.2%"),
                (Serialize, "15", "30.0 ms", "7.1%"),
                (Lookup, "15", "3.0 ms", "0.7%"),
            }));
            Assert.That(callees[0].Fraction, Is.EqualTo(400.0 / 420.0).Within(1e-9));
            Assert.That(await Text("#details .note"), Does.Contain("ran concurrently"), "callee shares over 100% are explained");
            Assert.That(await Count($"{Frame(GetCart)}.selected"), Is.EqualTo(1));
            Assert.That(await Count("#function-table tr.selected[data-function=\"Shop.Handlers.GetCart\"]"), Is.EqualTo(1));

            // Hovering a frame explains it.
            await _browser.HoverAsync(Frame(ComputeDiscounts));
            Assert.That(await _browser.EvaluateAsync<bool>("document.getElementById('tooltip').hidden"), Is.False);
            Assert.That(await Text("#tooltip .name"), Is.EqualTo(ComputeDiscounts));
            Assert.That(await Text("#tooltip"), Does.Contain("400.0 ms").And.Contain("of caller95.2%"));

            await Screenshot("report-zoomed-getcart.png", "After clicking the GetCart frame: zoomed, with its callers and callees");

            // Zoom out: an ancestor frame, then "Reset zoom".
            await _browser.ClickAsync(Frame(HandleRequest));
            Assert.That(await BodyData("zoom"), Is.EqualTo("3"));
            Assert.That(await Text("#details-name"), Is.EqualTo(HandleRequest));
            Assert.That(await FrameBox(GetProduct), Is.Not.Null);
            await _browser.ClickAsync("#reset-zoom");
            Assert.That(await BodyData("zoom"), Is.EqualTo("all"));
            Assert.That(await FrameBox(Flush), Is.Not.Null);
            Assert.That(await _browser.EvaluateAsync<bool>("document.getElementById('reset-zoom').disabled"), Is.True);
            Assert.That(await Text("#details-name"), Is.EqualTo(HandleRequest), "zooming out keeps the selection");
        }

        [Test]
        public async Task The_breadcrumb_zooms_back_out()
        {
            await _browser.ClickAsync(Frame(ComputeDiscounts));
            Assert.That(await Count("#breadcrumb .crumb"), Is.EqualTo(6));
            await _browser.ClickAsync("#breadcrumb .crumb[data-node=\"2\"]");
            Assert.That(await BodyData("zoom"), Is.EqualTo("2"));
            Assert.That(await Text("#breadcrumb .crumb[aria-current=true]"), Is.EqualTo(AcceptLoop));
            var box = await FrameBox(AcceptLoop);
            Assert.That(box!.Value.Left, Is.EqualTo(0).Within(0.002));
            Assert.That(box.Value.Width, Is.EqualTo(1).Within(0.002));
            Assert.That(await FrameBox(GetCart), Is.Not.Null);
            Assert.That(await FrameBox(Flush), Is.Null);
        }

        [Test]
        public async Task Switching_the_metric_changes_the_figures()
        {
            await _browser.ClickAsync(Frame(GetCart));
            var wall = await EdgeRows("callees");
            Assert.That(await Text("#metric-switch [aria-pressed=true]"), Is.EqualTo("Wall"));
            Assert.That(await Text("#details h3 .sub"), Does.Contain("wall time"));

            await _browser.ClickAsync("#metric-switch [data-metric=cpu]");
            Assert.That(await BodyData("metric"), Is.EqualTo("cpu"));
            Assert.That(await Text("#metric-switch [aria-pressed=true]"), Is.EqualTo("CPU"));
            Assert.That(await Text("#details h3 .sub"), Does.Contain("CPU time"));
            var cpu = await EdgeRows("callees");
            Assert.That(cpu.Select(r => (r.Name, r.Value, r.Share)), Is.EqualTo(new[]
            {
                (ComputeDiscounts, "384.0 ms", "91.7%"),
                (Serialize, "29.0 ms", "6.9%"),
                ("(self)", "3.0 ms", "0.7%"),
                (Lookup, "2.9 ms", "0.7%"),
            }), "CPU shares of GetCart's 418.9 ms, its own code included");
            Assert.That(cpu.Select(r => r.Share), Is.Not.EqualTo(wall.Select(r => r.Share)));
            Assert.That((await EdgeRows("callers")).Single().Value, Is.EqualTo("418.9 ms"));
            // The zoomed frame's callees are drawn by CPU time now: CPU nests, so ComputeDiscounts gets 384/418.9.
            Assert.That((await FrameBox(ComputeDiscounts))!.Value.Width, Is.EqualTo(384.0 / 418.9).Within(0.01));
            // The table, sorted by wall time, follows to CPU time.
            Assert.That(await _browser.EvaluateAsync<string>("document.querySelector('#function-table th[aria-sort=descending]').dataset.sort"), Is.EqualTo("cpuNs"));
            Assert.That((await TableOrder()).Take(3), Is.EqualTo(new[] { Main, AcceptLoop, HandleRequest }));
            Assert.That((await TableOrder())[3], Is.EqualTo(GetCart), "by CPU, GetCart comes before the wall-heavy QueryAsync");

            await _browser.ClickAsync("#metric-switch [data-metric=alloc]");
            var alloc = await EdgeRows("callees");
            Assert.That(alloc.Select(r => (r.Name, r.Value, r.Share)), Is.EqualTo(new[]
            {
                (Serialize, "3.8 MB", "69.4%"),
                (ComputeDiscounts, "1.4 MB", "26.0%"),
                ("(self)", "195.3 KB", "3.5%"),
                (Lookup, "58.6 KB", "1.0%"),
            }));
            Assert.That(await Text("#details [data-stat=allocBytes]"), Is.EqualTo("5.5 MB"));
            await Screenshot("report-alloc.png", "GetCart selected, allocated bytes");

            // Whole-profile widths differ by metric: the background flusher is 600 ms of wall time but little CPU.
            await _browser.ClickAsync("#reset-zoom");
            var allocWidth = (await FrameBox(Flush))!.Value.Width;
            await _browser.ClickAsync("#metric-switch [data-metric=wall]");
            var wallWidth = (await FrameBox(Flush))!.Value.Width;
            Assert.That(wallWidth, Is.EqualTo(600.0 / 2570.0).Within(0.01));
            Assert.That(allocWidth, Is.EqualTo(684_000.0 / 28_124_000.0).Within(0.01));
        }

        [Test]
        public async Task Clicking_table_headers_sorts_the_function_table()
        {
            Assert.That((await TableOrder()).First(), Is.EqualTo(Main), "sorted by wall time at first");
            Assert.That(await Count("#function-table tbody tr"), Is.EqualTo(15));

            await _browser.ClickAsync("#function-table th[data-sort=calls]");
            var calls = (await TableColumn("calls")).Select(long.Parse).ToArray();
            Assert.That(calls, Is.Ordered.Descending);
            Assert.That((await TableOrder()).Take(2), Is.EqualTo(new[] { ApplyRule, Log }));
            Assert.That(await Text("#function-table th[aria-sort=descending]"), Does.StartWith("Calls"));

            await _browser.ClickAsync("#function-table th[data-sort=calls]");
            Assert.That((await TableColumn("calls")).Select(long.Parse), Is.Ordered.Ascending);
            Assert.That((await TableOrder()).First(), Is.EqualTo(Main), "ties (one call each) by name");
            Assert.That(await Count("#function-table th[aria-sort=ascending][data-sort=calls]"), Is.EqualTo(1));

            await _browser.ClickAsync("#function-table th[data-sort=name]");
            var names = await TableOrder();
            Assert.That(names, Is.Ordered.Using<string>((a, b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase)));
            Assert.That(names.First(), Is.EqualTo(Flush));

            foreach (var column in new[] { "suspends", "wallNs", "selfCpuNs", "cpuNs", "allocBytes" })
            {
                await _browser.ClickAsync($"#function-table th[data-sort={column}]");
                Assert.That((await TableColumn(column)).Select(long.Parse), Is.Ordered.Descending, column);
            }
            Assert.That((await TableOrder()).First(), Is.EqualTo(Main), "Main allocated the most, its callees included");

            // A row selects its function: details, and its frames marked in the flame graph, without zooming.
            await _browser.ClickAsync($"#function-table tr[data-function=\"{Log}\"]");
            Assert.That(await Text("#details-name"), Is.EqualTo(Log));
            Assert.That(await BodyData("zoom"), Is.EqualTo("all"));
            var callers = await EdgeRows("callers");
            Assert.That(callers.Select(r => (r.Function, r.Calls, r.Share)),
                Is.EqualTo(new[] { (HandleRequest, "40", "74.1%"), (Tick, "10", "18.5%"), (Flush, "4", "7.4%") }),
                "shares of Log's 10.8 ms of wall time");
            Assert.That(await Text("#callees"), Is.EqualTo("It calls no profiled function."));
            Assert.That(await Count("#flame .frame.selected"), Is.EqualTo(await Count(Frame(Log))));
            Assert.That(await Count("#flame .frame.selected"), Is.GreaterThanOrEqualTo(2));

            // A caller row selects the caller.
            await _browser.ClickAsync($"#callers tr[data-function=\"{Tick}\"]");
            Assert.That(await Text("#details-name"), Is.EqualTo(Tick));
            Assert.That((await EdgeRows("callers")).Single().Name, Is.EqualTo("(no profiled caller)"));
        }

        [Test]
        public async Task Search_highlights_matching_frames_and_shows_their_share()
        {
            await _browser.TypeAsync("#search", "Logging.Log");
            // Log has three call paths: under HandleRequest, the background flusher and the timer: 10.8 ms of 2.02 s.
            Assert.That(await Text("#search-count"), Is.EqualTo("3 frames (1 function)"));
            Assert.That(await Text("#search-share"), Is.EqualTo("0.5%"));
            Assert.That(await _browser.EvaluateAsync<double>("Number(document.getElementById('search-status').dataset.share)"),
                Is.EqualTo(10_800_000.0 / 2_020_000_000.0).Within(1e-9));
            Assert.That(await Count("#flame .frame.match"), Is.EqualTo(await Count(Frame(Log))));
            Assert.That(await Count("#flame .frame.match:not([data-function=\"Shop.Logging.Log\"])"), Is.Zero);
            Assert.That(await _browser.EvaluateAsync<bool>("document.getElementById('flame').classList.contains('searching')"), Is.True);
            Assert.That(await TableOrder(), Is.EqualTo(new[] { Log }), "the table keeps the matching functions only");

            // A broader term: nested matches are not counted twice (QueryAsync under FindAsync, Rows under QueryAsync).
            await _browser.TypeAsync("#search", "shop.data.");
            Assert.That(await Text("#search-count"), Is.EqualTo("4 frames (3 functions)"));
            Assert.That(await Text("#search-share"), Is.EqualTo("53.5%"), "(520 ms FindAsync + 560 ms QueryAsync under Flush) of 2.02 s");
            await Screenshot("report-search.png", "Searching for shop.data.");

            // The share is of the zoomed frame.
            await _browser.ClickAsync(Frame(GetProduct));
            Assert.That(await Text("#search-status"), Does.EndWith("of Shop.Handlers.GetProduct\u2019s wall time"));
            Assert.That(await Text("#search-share"), Is.EqualTo("74.3%"), "FindAsync: 520 of 700 ms");

            await _browser.TypeAsync("#search", "no such function");
            Assert.That(await Text("#search-status"), Is.EqualTo("no match"));
            Assert.That(await Count("#function-table tbody tr"), Is.Zero);
        }

        [Test]
        public async Task The_report_loads_nothing_but_itself()
        {
            await _browser.ClickAsync(Frame(GetCart));
            await _browser.ClickAsync("#metric-switch [data-metric=alloc]");
            var requested = _browser.RequestedUrls.Skip(_requestsBefore).Distinct().ToList();
            Assert.That(requested, Is.Not.Empty);
            Assert.That(requested, Is.All.EqualTo(_reportUrl).Or.StartWith("about:"), "every request the page made");
        }

        static readonly int RecordedBase = Probe.RegisterModule(string.Join("\n",
            "sync\tDemo.Program.Run\tProgram.cs\t10",
            "async\tDemo.Repo<T>.LoadAsync\tRepo.cs\t20",
            "sync\tDemo.Repo<T>.LoadAsync.lambda#1\tRepo.cs\t24",
            "sync\tDemo.Format.Render\tFormat.cs\t5"));

        const int Run = 0, LoadAsync = 1, Crunch = 2, Render = 3;

        /// <summary>A profile recorded by the runtime in this process, through the probe API as woven code calls it.</summary>
        static Profile RecordProfile()
        {
            static void Call(int id, Action? body = null)
            {
                var token = Probe.Active ? Probe.Enter(RecordedBase + id) : 0;
                try { body?.Invoke(); }
                catch { Probe.ExitFault(token); throw; }
                Probe.Exit(token);
            }
            static void Spin(int ms) { var until = DateTime.UtcNow.AddMilliseconds(ms); while (DateTime.UtcNow < until) { } }
            static async Task Load()
            {
                var call = new AsyncCall();
                Probe.AsyncMoveNext(ref call, RecordedBase + LoadAsync);
                // queued work: runs on a pool thread, logically under LoadAsync
                var work = Task.Run(() => Call(Crunch, () => Spin(15)));
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
                await work.ConfigureAwait(false);
                Probe.AsyncMoveNext(ref call, RecordedBase + LoadAsync);
                Call(Render, () => { for (var i = 0; i < 200; i++) GC.KeepAlive(new byte[256]); });
                Probe.Complete(ref call);
            }

            Profiler.Start();
            try { Call(Run, () => Task.Run(async () => { for (var i = 0; i < 3; i++) await Load(); }).Wait()); }
            finally { Profiler.Stop(); }
            var path = Path.Combine(ArtifactDir, "recorded.asyncprof.json");
            Profiler.Save(path);
            return ProfileReader.Load(path);
        }

        [Test]
        public async Task A_profile_recorded_in_process_renders()
        {
            var profile = RecordProfile();
            await Open(new Uri(WriteReport(profile, "recorded-report.html")).AbsoluteUri);

            await _browser.ClickAsync(Frame("Demo.Repo<T>.LoadAsync"));
            Assert.That(await Text("#details-name"), Is.EqualTo("Demo.Repo<T>.LoadAsync"));
            Assert.That(await Text("#details [data-stat=calls]"), Is.EqualTo("3"));
            var callees = await EdgeRows("callees");
            Assert.That(callees.Select(r => r.Function), Is.EquivalentTo(new[] { "Demo.Repo<T>.LoadAsync.lambda#1", "Demo.Format.Render" }),
                "the work it queued on the thread pool is its callee");
            var crunch = callees.Single(r => r.Function == "Demo.Repo<T>.LoadAsync.lambda#1");
            Assert.That(crunch.Calls, Is.EqualTo("3"));
            Assert.That(crunch.Fraction, Is.GreaterThan(0.3).And.LessThanOrEqualTo(1.0), "15 ms of pool work in each call");
            Assert.That((await EdgeRows("callers")).Select(r => r.Name), Does.Contain("(no profiled caller)").Or.Contain("Demo.Program.Run"));
            Assert.That(await FrameBox("Demo.Repo<T>.LoadAsync.lambda#1"), Is.Not.Null, "the cross-thread child is drawn under it");
            await Screenshot("report-recorded.png", "A profile recorded in-process, LoadAsync selected");
        }

        [Test]
        public async Task Detached_work_is_drawn_in_a_striped_lane_of_its_own()
        {
            var url = new Uri(WriteReport(Exporters.FormatFixtures.Detached(withTimeline: false), "detached-report.html")).AbsoluteUri;
            await Open(url);
            const string handle = Exporters.FormatFixtures.Handle, audit = Exporters.FormatFixtures.Audit;
            var lane = $"#flame .frame[data-kind=\"lane\"]";
            Assert.That(await Count(lane), Is.EqualTo(4), "one lane per function that started detached work");
            Assert.That(await _browser.EvaluateAsync<string[]>($"[...document.querySelectorAll('{lane}')].map(f => f.textContent)"),
                Does.Contain($"[detached from {handle}]"));
            Assert.That(await Text(Frame(audit)), Is.EqualTo(audit + " [detached]"));
            Assert.That(await _browser.EvaluateAsync<string>($"document.querySelector({JsonSerializer.Serialize(Frame(audit))}).dataset.detachedFrom"), Is.EqualTo(handle));
            Assert.That(await _browser.EvaluateAsync<bool>($"getComputedStyle(document.querySelector({JsonSerializer.Serialize(Frame(audit))})).backgroundImage.includes('gradient')"),
                Is.True, "striped");
            // wall: the request's frame is its own 60 ms, not widened by the audit's 300 ms (of 1,010 ms in all)
            var box = await FrameBox(handle);
            Assert.That(box!.Value.Width, Is.EqualTo(60.0 / 1010).Within(0.005));
            Assert.That((await FrameBox(audit))!.Value.Width, Is.EqualTo(300.0 / 1010).Within(0.005));
            Assert.That(await Count("#legend-detached"), Is.EqualTo(1));
            Assert.That(await Text("#frame-notes"), Does.Contain("[detached from F]"));
            Assert.That(await Count("#function-table th[data-col=detached]"), Is.EqualTo(1));
            Assert.That(await Text($"#function-table tr[data-function=\"{audit}\"] .tag.detached"), Is.EqualTo("detached"));
            await Screenshot("report-detached.png", "Detached work in lanes of its own");
        }

        [Test]
        public async Task Markup_in_a_function_name_shows_as_text()
        {
            var url = new Uri(WriteReport(HtmlReportFixtures.Hostile(), "hostile-report.html")).AbsoluteUri;
            await Open(url);
            Assert.That(await _browser.EvaluateAsync<bool>("window.__pwned === undefined"), Is.True, "no injected script ran");
            Assert.That(await Text("#title"), Is.EqualTo("AsyncProf: <b>App</b> & co (pid 7)"));
            Assert.That(await Count("#title b"), Is.Zero);

            await _browser.ClickAsync($"#function-table tr[data-id=\"2\"]");
            Assert.That(await Text("#details-name"), Is.EqualTo(HtmlReportFixtures.HostileName));
            Assert.That(await _browser.EvaluateAsync<string>("document.querySelector('#flame .frame[data-node=\"2\"]').dataset.function"),
                Is.EqualTo(HtmlReportFixtures.HostileName));
            Assert.That(await Count("#details b, #flame b, #function-table b"), Is.Zero);
        }
    }
}
