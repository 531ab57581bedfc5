using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Analysis;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Reports.Html;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// Our speedscope files opened in the real speedscope app (its npm package's dist/release, installed by
    /// .ci/setup.d/viewers.sh), served from 127.0.0.1 and loaded the way speedscope loads a shared profile
    /// (#profileURL=...), in Debian's headless Chromium. From speedscope's own UI: the profile switcher lists each of
    /// our profiles (wall, CPU, alloc) with its total, the page reports no error, and the sandwich view's function
    /// table shows our functions with their total and self figures. Screenshots go to artifacts/tests/viewers/.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class SpeedscopeViewerTests
    {
        public static readonly string[] Labels = { ViewerProfiles.Seed, ViewerProfiles.Large, ViewerProfiles.Deep, "server built in code", "async-resume fixture" };

        LoopbackFileServer _server = null!;
        HeadlessChromium _browser = null!;

        [OneTimeSetUp]
        public async Task Start()
        {
            ViewerTools.Require(Path.Combine(ViewerTools.SpeedscopeApp, "index.html"), "the speedscope app", "the speedscope npm package into artifacts/viewers");
            HeadlessChromium.RequireInstalled();
            Directory.CreateDirectory(ViewerTools.ArtifactDir);
            _server = new LoopbackFileServer(new Dictionary<string, string> { ["/profiles/"] = ViewerTools.ArtifactDir, ["/"] = ViewerTools.SpeedscopeApp });
            _browser = await HeadlessChromium.LaunchAsync(1400, 1000);
        }

        [OneTimeTearDown]
        public async Task Stop()
        {
            if (_browser != null) await _browser.DisposeAsync();
            _server?.Dispose();
        }

        sealed record Row(string Name, string Total, string Self);

        /// <summary>The profile switcher's entries (hidden until opened): each profile's name and total as speedscope shows them.</summary>
        Task<string[][]> ProfileEntries() => _browser.EvaluateAsync<string[][]>(
            "[...document.querySelectorAll('tr[title]')].map(tr => [tr.title, tr.lastElementChild.textContent])");

        /// <summary>The rows of the sandwich view's function table that are rendered (it draws the visible ones only).</summary>
        Task<Row[]> SandwichRows() => _browser.EvaluateAsync<Row[]>("""
            [...document.querySelectorAll('tr')].filter(tr => tr.children.length === 3 && tr.children[0].tagName === 'TD' && !tr.hasAttribute('title'))
              .map(tr => ({ name: tr.children[2].textContent, total: tr.children[0].textContent, self: tr.children[1].textContent }))
            """);

        async Task Screenshot(string name, string description)
        {
            var path = Path.Combine(ViewerTools.ArtifactDir, name);
            await File.WriteAllBytesAsync(path, await _browser.ScreenshotAsync());
            TestContext.AddTestAttachment(path, description);
        }

        [TestCaseSource(nameof(Labels))]
        public async Task Speedscope_imports_every_profile_and_shows_our_functions(string label)
        {
            var (profile, native) = ViewerProfiles.Load(label);
            var expected = new ExpectedFigures(profile, native);
            var bytes = FormatFixtures.Export(new SpeedscopeExporter(), profile);
            var fileName = ViewerProfiles.Slug(label) + ".speedscope.json";
            ViewerTools.Save(fileName, bytes);
            using var doc = JsonDocument.Parse(bytes);
            var names = doc.RootElement.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();
            var metrics = new[] { ProfileMetric.Wall, ProfileMetric.Cpu, ProfileMetric.Alloc };
            Assert.That(names, Has.Length.EqualTo(metrics.Length), "our file: one profile per metric");

            var errorsBefore = _browser.PageErrors.Count;
            await _browser.NavigateAsync("about:blank");
            await _browser.NavigateAsync($"{_server.BaseUrl}/index.html#profileURL=/profiles/{fileName}&view=sandwich");
            await _browser.WaitForAsync("document.body.innerText.includes('(1/3)') || document.body.innerText.includes('Something went wrong')", TimeSpan.FromSeconds(30));
            var text = await _browser.EvaluateAsync<string>("document.body.innerText");
            Assert.That(text, Does.Not.Contain("Something went wrong"), "speedscope's import error page");
            Assert.That(_browser.PageErrors.Skip(errorsBefore), Is.Empty, "speedscope reported errors");

            // every profile imported, with our name and total
            var entries = await ProfileEntries();
            Assert.That(entries.Select(e => e[0]), Is.EqualTo(names), "the profile switcher lists our profiles");
            for (var k = 0; k < metrics.Length; k++)
                AssertShown(entries[k][1], expected.Totals.Of(metrics[k]), metrics[k], $"{names[k]}: total");

            for (var k = 0; k < metrics.Length; k++)
            {
                if (k > 0)
                {
                    // switch profiles as a user does: open the switcher (the title "name (k/3)"), pick the next one
                    await _browser.EvaluateAsync("""
                        (() => { const t = [...document.querySelectorAll('span')].find(s => /\(\d+\/3\)$/.test(s.textContent) && s.children.length === 1);
                                 t.setAttribute('data-asyncprof', 'profile-title'); })()
                        """);
                    await _browser.ClickAsync("[data-asyncprof=profile-title]");
                    await _browser.WaitForAsync($"document.querySelector('tr[title={JsonSerializer.Serialize(names[k])}]').offsetParent !== null");
                    await _browser.ClickAsync($"tr[title={JsonSerializer.Serialize(names[k])}]");
                    await _browser.WaitForAsync($"document.body.innerText.includes('({k + 1}/3)')");
                }
                var rows = await SandwichRows();
                var metric = metrics[k];
                var figures = expected.ByMetric[metric];
                var withCost = figures.Count(f => f.Value.Inclusive > 0);
                Assert.That(rows.Length, Is.GreaterThanOrEqualTo(Math.Min(withCost, 10)), $"{names[k]}: the sandwich table shows our functions");
                // sorted by self, largest first: the first row is our function with the largest self figure
                Assert.That(ParseShown(rows[0].Self).Value, Is.EqualTo((double)figures.Values.Max(f => f.Self)).Within(ParseShown(rows[0].Self).Tolerance), $"{names[k]}: the top row");
                foreach (var row in rows)
                {
                    if (row.Name.StartsWith("[")) continue; // a documented pseudo-frame: a detached lane, a collapsed recursion
                    Assert.That(native.Functions.Select(f => f.Name), Does.Contain(row.Name), $"{names[k]}: only our functions");
                    if (!figures.TryGetValue(row.Name, out var f)) continue;
                    AssertShown(row.Total, f.Inclusive, metric, $"{names[k]}: {row.Name} total");
                    AssertShown(row.Self, f.Self, metric, $"{names[k]}: {row.Name} self");
                }
                if (rows.Length >= withCost)
                    Assert.That(rows.Select(r => r.Name), Is.SupersetOf(figures.Where(f => f.Value.Inclusive > 0).Select(f => f.Key)), "every function with a cost");
                if (k == 0 || label == ViewerProfiles.Seed)
                    await Screenshot($"speedscope-{ViewerProfiles.Slug(label)}-{metric.ToString().ToLowerInvariant()}.png", $"speedscope's sandwich view of {names[k]}");
            }
            Assert.That(_browser.PageErrors.Skip(errorsBefore), Is.Empty, "speedscope reported errors");
        }

        /// <summary>A figure as speedscope prints it ("1.53s", "969.92ms", "12.00µs", "26.82 MB", "512 B", "1:05"), in ns or bytes, with its rounding.</summary>
        static (double Value, double Tolerance) ParseShown(string shown)
        {
            var m = Regex.Match(shown, @"^(\d+):(\d\d)");
            if (m.Success) return (double.Parse(m.Groups[1].Value) * 60e9 + double.Parse(m.Groups[2].Value) * 1e9 + 0.5e9, 0.5e9);
            m = Regex.Match(shown, @"^([0-9.]+)\s?(ns|µs|ms|s|B|KB|MB|GB)\b");
            Assert.That(m.Success, $"'{shown}': a figure speedscope prints");
            var scale = m.Groups[2].Value switch
            {
                "ns" => 1, "µs" => 1e3, "ms" => 1e6, "s" => 1e9, "B" => 1, "KB" => 1024, "MB" => 1024.0 * 1024, _ => 1024.0 * 1024 * 1024,
            };
            var number = m.Groups[1].Value;
            var decimals = number.Contains('.') ? number.Length - number.IndexOf('.') - 1 : 0;
            return (double.Parse(number, CultureInfo.InvariantCulture) * scale, 0.5 * Math.Pow(10, -decimals) * scale * 1.0001);
        }

        static void AssertShown(string shown, long expected, ProfileMetric metric, string what)
        {
            var (value, tolerance) = ParseShown(shown);
            Assert.That(value, Is.EqualTo((double)expected).Within(tolerance), $"{what}: speedscope shows '{shown}', the profile has {expected} {(metric == ProfileMetric.Alloc ? "bytes" : "ns")}");
        }
    }
}
