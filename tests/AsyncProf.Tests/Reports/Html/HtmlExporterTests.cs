using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Html;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Html
{
    /// <summary>The html exporter's output as text: one self-contained file, the profile embedded safely.</summary>
    [TestFixture]
    public class HtmlExporterTests
    {
        static readonly Regex DataBlock = new(
            "<script type=\"application/json\" id=\"profile-data\">(?<json>.*?)</script>", RegexOptions.Singleline);

        static string Export(Profile profile)
        {
            using var stream = new MemoryStream();
            new HtmlExporter().Export(profile, stream);
            var bytes = stream.ToArray();
            Assert.That(bytes.Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte order mark");
            return Encoding.UTF8.GetString(bytes);
        }

        static JsonDocument EmbeddedData(string html)
        {
            var matches = DataBlock.Matches(html);
            Assert.That(matches, Has.Count.EqualTo(1), "exactly one profile-data block");
            return JsonDocument.Parse(matches[0].Groups["json"].Value);
        }

        [Test]
        public void Is_the_html_format()
        {
            IProfileExporter exporter = new HtmlExporter();
            Assert.That(exporter.Name, Is.EqualTo("html"));
            Assert.That(exporter.FileExtension, Is.EqualTo(".html"));
            Assert.That(ExporterRegistry.Find("html"), Is.InstanceOf<HtmlExporter>(), "found by the registry (--format html)");
            Assert.That(ExporterRegistry.ForPath("out/profile.html"), Is.InstanceOf<HtmlExporter>(), "chosen for an .html output file");
        }

        [Test]
        public void The_report_is_one_self_contained_file()
        {
            var html = Export(HtmlReportFixtures.Shop());

            Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
            Assert.That(html, Does.Contain("<meta charset=\"utf-8\">"));
            Assert.That(html, Does.Contain("Content-Security-Policy").And.Contain("default-src 'none'"),
                "a CSP forbids every fetch, so the page cannot reach the network even by mistake");

            // No attribute anywhere loads anything: no src= at all, no href= but in-page anchors.
            Assert.That(Regex.Matches(html, @"\ssrc\s*=", RegexOptions.IgnoreCase), Is.Empty, "no src attribute");
            Assert.That(Regex.Matches(html, @"\shref\s*=\s*[""']?(?!#)", RegexOptions.IgnoreCase), Is.Empty, "no href but #anchors");
            Assert.That(html, Does.Not.Contain("<link").IgnoreCase);
            Assert.That(html, Does.Not.Contain("@import").IgnoreCase);

            // Outside the embedded data (whose command line names a URL of the profiled app), no URL at all.
            var page = DataBlock.Replace(html, "");
            Assert.That(Regex.Matches(page, @"(?:https?:|ftp:|wss?:)//|\burl\s*\(", RegexOptions.IgnoreCase).Select(m => m.Value), Is.Empty,
                "the page's own markup, CSS and script mention no URL");
            Assert.That(Regex.Matches(page, @"\b(?:fetch|XMLHttpRequest|WebSocket|importScripts|EventSource)\b").Select(m => m.Value), Is.Empty,
                "the script makes no requests");

            // CSS and script are inline: one <style>, two <script> elements (the data and the code).
            Assert.That(Regex.Matches(html, "<style>").Count, Is.EqualTo(1));
            Assert.That(Regex.Matches(html, "<script[ >]").Count, Is.EqualTo(2));
            Assert.That(html, Does.Contain("function renderFlame()"), "report.js is inlined");
            Assert.That(html, Does.Contain("#flame-wrap"), "report.css is inlined");
        }

        [Test]
        public void The_profile_is_embedded_as_json()
        {
            var profile = HtmlReportFixtures.Shop();
            using var data = EmbeddedData(Export(profile));
            var root = data.RootElement;

            Assert.That(root.GetProperty("schema").GetString(), Is.EqualTo("asyncprof/1"));
            Assert.That(root.GetProperty("source").GetString(), Is.EqualTo("shop.asyncprof.json"), "the file name only, not the whole path");
            Assert.That(root.GetProperty("process").GetProperty("pid").GetInt32(), Is.EqualTo(31337));
            Assert.That(root.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()),
                Is.EqualTo(profile.Functions.Select(f => f.Name)));
            Assert.That(root.GetProperty("edges").GetArrayLength(), Is.EqualTo(profile.Edges.Count));
            Assert.That(root.GetProperty("tree").GetArrayLength(), Is.EqualTo(profile.Tree.Count));

            var getCart = root.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Shop.Handlers.GetCart");
            Assert.That(getCart.GetProperty("wallNs").GetInt64(), Is.EqualTo(420_000_000));
            Assert.That(getCart.GetProperty("cpuNs").GetInt64(), Is.EqualTo(418_900_000));
            var rootEdge = root.GetProperty("edges").EnumerateArray().First();
            Assert.That(rootEdge.GetProperty("caller").ValueKind, Is.EqualTo(JsonValueKind.Null), "root edges keep their null caller");

            // The embedded JSON is itself a readable asyncprof/1 profile.
            var reread = ProfileReader.Parse(root.GetRawText(), "embedded");
            Assert.That(reread.Functions.Select(f => (f.Name, f.Calls, f.WallNs, f.CpuNs, f.AllocBytes)),
                Is.EqualTo(profile.Functions.Select(f => (f.Name, f.Calls, f.WallNs, f.CpuNs, f.AllocBytes))));
        }

        [Test]
        public void Markup_in_profile_text_cannot_end_the_script_or_reach_the_page()
        {
            var html = Export(HtmlReportFixtures.Hostile());

            // Only the two real script elements end: a name holding </script> is escaped inside the JSON.
            Assert.That(Regex.Matches(html, "</script", RegexOptions.IgnoreCase).Count, Is.EqualTo(2));
            Assert.That(Regex.Matches(html, "<script", RegexOptions.IgnoreCase).Count, Is.EqualTo(2));
            var json = DataBlock.Match(html).Groups["json"].Value;
            Assert.That(json, Does.Not.Contain("<"), "no '<' at all in the embedded JSON");
            Assert.That(json, Does.Not.Contain("<!--"));

            using var data = EmbeddedData(html);
            var names = data.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString());
            Assert.That(names, Does.Contain(HtmlReportFixtures.HostileName), "the name comes back exactly as it was");
            Assert.That(data.RootElement.GetProperty("process").GetProperty("commandLine").GetString(),
                Is.EqualTo("dotnet App.dll https://example.com/</script>"));

            // The process name goes into <title> and <h1> HTML-encoded.
            Assert.That(html, Does.Contain("<title>AsyncProf: &lt;b&gt;App&lt;/b&gt; &amp; co (pid 7)</title>"));
            Assert.That(html, Does.Not.Contain("<b>App</b>"));
        }

        [Test]
        public void The_json_helper_never_emits_a_less_than_sign()
        {
            var json = HtmlExporter.ProfileJson(HtmlReportFixtures.Hostile());
            Assert.That(json, Does.Not.Contain("<").And.Not.Contain(">"));
            Assert.That(() => JsonDocument.Parse(json).Dispose(), Throws.Nothing);
        }

        [Test]
        public void An_empty_profile_still_renders()
        {
            var empty = new Profile(new ProcessInfo(), Array.Empty<FunctionStats>(), Array.Empty<EdgeStats>(), Array.Empty<CallTreeNode>());
            var html = Export(empty);
            using var data = EmbeddedData(html);
            Assert.That(data.RootElement.GetProperty("functions").GetArrayLength(), Is.Zero);
            Assert.That(html, Does.Contain("<title>AsyncProf: profile</title>"));
        }
    }
}
