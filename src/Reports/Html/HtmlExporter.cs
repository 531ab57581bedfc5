using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AsyncProf.Reports.Html
{
    /// <summary>
    /// The <c>html</c> format: one self-contained HTML file a person opens offline, with an interactive flame graph of
    /// the calling-context tree (zoom, search), a metric switch (wall, CPU, allocated bytes), a sortable function table
    /// and, for a selected function, its callers and callees with their share of its figure.
    /// </summary>
    /// <remarks>
    /// The page is assembled from three embedded resources kept as ordinary files for maintenance: report.html (the
    /// skeleton, with <c>{{NAME}}</c> placeholders), report.css and report.js (vanilla JavaScript, no dependencies).
    /// The profile is embedded as JSON in <c>&lt;script type="application/json" id="profile-data"&gt;</c>; a
    /// Content-Security-Policy forbids every fetch, so the file works from <c>file://</c> with no network. Profile
    /// text never becomes markup: the JSON has every <c>&lt;</c> escaped (so a function name holding
    /// <c>&lt;/script&gt;</c> cannot end the element), and the script puts names on the page as text only.
    /// The element ids and data attributes the page exposes are listed at the top of report.js.
    /// </remarks>
    public sealed class HtmlExporter : IProfileExporter
    {
        public string Name => "html";
        public string FileExtension => ".html";

        const string ResourcePrefix = "AsyncProf.Reports.Html.";
        static readonly Regex Placeholder = new(@"\{\{([A-Z]+)\}\}", RegexOptions.CultureInvariant);
        static readonly Lazy<(string Html, string Css, string Js)> Assets = new(LoadAssets);

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
            writer.Write(Render(profile));
        }

        /// <summary>The whole report as one string.</summary>
        public static string Render(Profile profile)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            var (html, css, js) = Assets.Value;
            var processName = string.IsNullOrEmpty(profile.Process.Name) ? "profile" : profile.Process.Name!;
            var heading = profile.Process.Pid > 0
                ? $"AsyncProf: {processName} (pid {profile.Process.Pid.ToString(CultureInfo.InvariantCulture)})"
                : $"AsyncProf: {processName}";
            var values = new Dictionary<string, string>
            {
                ["TITLE"] = WebUtility.HtmlEncode(heading),
                ["HEADING"] = WebUtility.HtmlEncode(heading),
                ["CSS"] = css,
                ["JS"] = js,
                ["DATA"] = ProfileJson(profile),
            };
            // One pass, so nothing substituted is ever scanned for placeholders again.
            return Placeholder.Replace(html, m => values.TryGetValue(m.Groups[1].Value, out var v)
                ? v
                : throw new InvalidOperationException($"report.html: unknown placeholder {m.Value}"));
        }

        /// <summary>
        /// The profile as the page reads it: the asyncprof/1 fields under their schema names, safe to place inside a
        /// script element (no <c>&lt;</c> at all, so neither <c>&lt;/script</c> nor <c>&lt;!--</c> can occur).
        /// </summary>
        public static string ProfileJson(Profile profile)
        {
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            // JavaScriptEncoder.Default already escapes <, >, & and ' inside strings; the replacement below keeps the
            // guarantee even if the encoder changes ('<' can only occur inside a JSON string, where \u003c is the same).
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
            {
                w.WriteStartObject();
                w.WriteString("schema", Profile.SchemaId);
                if (profile.SourcePath != null) w.WriteString("source", Path.GetFileName(profile.SourcePath));
                WriteProcess(w, profile.Process);

                w.WriteStartArray("functions");
                foreach (var f in profile.Functions)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", f.Id);
                    w.WriteString("name", f.Name);
                    w.WriteString("kind", f.Kind);
                    WriteStringOrNull(w, "module", f.Module);
                    WriteStringOrNull(w, "file", f.File);
                    w.WriteNumber("line", f.Line);
                    w.WriteNumber("calls", f.Calls);
                    w.WriteNumber("inFlight", f.InFlight);
                    w.WriteNumber("faults", f.Faults);
                    w.WriteNumber("suspends", f.Suspends);
                    w.WriteNumber("wallNs", f.WallNs);
                    w.WriteNumber("cpuNs", f.CpuNs);
                    w.WriteNumber("selfCpuNs", f.SelfCpuNs);
                    w.WriteNumber("allocBytes", f.AllocBytes);
                    w.WriteNumber("selfAllocBytes", f.SelfAllocBytes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();

                w.WriteStartArray("edges");
                foreach (var e in profile.Edges)
                {
                    w.WriteStartObject();
                    if (e.Caller is long caller) w.WriteNumber("caller", caller); else w.WriteNull("caller");
                    w.WriteNumber("callee", e.Callee);
                    w.WriteNumber("calls", e.Calls);
                    w.WriteNumber("wallNs", e.WallNs);
                    w.WriteNumber("cpuNs", e.CpuNs);
                    w.WriteNumber("allocBytes", e.AllocBytes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();

                w.WriteStartArray("tree");
                foreach (var n in profile.Tree)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", n.Id);
                    if (n.Parent is long parent) w.WriteNumber("parent", parent); else w.WriteNull("parent");
                    w.WriteNumber("function", n.Function);
                    w.WriteNumber("calls", n.Calls);
                    w.WriteNumber("inFlight", n.InFlight);
                    w.WriteNumber("faults", n.Faults);
                    w.WriteNumber("suspends", n.Suspends);
                    w.WriteNumber("wallNs", n.WallNs);
                    w.WriteNumber("cpuNs", n.CpuNs);
                    w.WriteNumber("selfCpuNs", n.SelfCpuNs);
                    w.WriteNumber("allocBytes", n.AllocBytes);
                    w.WriteNumber("selfAllocBytes", n.SelfAllocBytes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("<", "\\u003C", StringComparison.Ordinal);
        }

        static void WriteProcess(Utf8JsonWriter w, ProcessInfo p)
        {
            w.WriteStartObject("process");
            WriteStringOrNull(w, "name", p.Name);
            w.WriteNumber("pid", p.Pid);
            WriteStringOrNull(w, "commandLine", p.CommandLine);
            WriteStringOrNull(w, "runtime", p.Runtime);
            WriteStringOrNull(w, "os", p.OS);
            w.WriteNumber("processorCount", p.ProcessorCount);
            WriteStringOrNull(w, "startedUtc", p.StartedUtc?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteNumber("durationNs", p.DurationNs);
            if (p.CpuClock is { } clock)
            {
                w.WriteStartObject("cpuClock");
                WriteStringOrNull(w, "scheme", clock.Scheme);
                w.WriteNumber("windowNs", clock.WindowNs);
                w.WriteEndObject();
            }
            else w.WriteNull("cpuClock");
            w.WriteEndObject();
        }

        static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
        {
            if (value == null) w.WriteNull(name); else w.WriteString(name, value);
        }

        static (string, string, string) LoadAssets()
        {
            var html = Resource("report.html");
            var css = Resource("report.css");
            var js = Resource("report.js");
            // The CSS and script are placed inside <style> and <script> as they are: they must not end those elements.
            if (css.Contains("</style", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("report.css must not contain \"</style\"");
            if (js.Contains("<script", StringComparison.OrdinalIgnoreCase) || js.Contains("</script", StringComparison.OrdinalIgnoreCase) ||
                js.Contains("<!--", StringComparison.Ordinal))
                throw new InvalidOperationException("report.js must not contain \"<script\", \"</script\" or \"<!--\"");
            return (html, css, js);
        }

        static string Resource(string name)
        {
            var assembly = typeof(HtmlExporter).Assembly;
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidOperationException($"embedded resource {ResourcePrefix + name} is missing from {assembly.GetName().Name}");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        }
    }
}
