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
    /// The flame graph draws the bounded frame tree of <see cref="Analysis.CallTreeFigures"/> (detached work in lanes
    /// of its own, deep recursion collapsed), embedded by <see cref="FrameJson"/> as the <c>view</c> property of the page's data.
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
                ["CORRECTION"] = WebUtility.HtmlEncode(profile.Process.ProbeCorrection?.ToString() ?? "probe cost not subtracted"),
                ["CSS"] = css,
                ["JS"] = js,
                ["DATA"] = WithView(ProfileJson(profile), FrameJson.Write(profile)),
            };
            return Fill(html, values, "report.html");
        }

        /// <summary>Puts the values in a page's <c>{{NAME}}</c> placeholders.</summary>
        internal static string Fill(string html, IReadOnlyDictionary<string, string> values, string pageName) =>
            // One pass, so nothing substituted is ever scanned for placeholders again.
            Placeholder.Replace(html, m => values.TryGetValue(m.Groups[1].Value, out var v)
                ? v
                : throw new InvalidOperationException($"{pageName}: unknown placeholder {m.Value}"));

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
                ProfileJsonWriter.Write(w, profile, includeTimeline: false, profile.SourcePath == null ? null : Path.GetFileName(profile.SourcePath));
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("<", "\\u003C", StringComparison.Ordinal);
        }

        /// <summary>The profile JSON object with the frame tree the page draws added as its <c>view</c> property.</summary>
        static string WithView(string profileJson, string viewJson)
        {
            if (!profileJson.EndsWith('}')) throw new InvalidOperationException("the profile JSON is not an object");
            return profileJson.Substring(0, profileJson.Length - 1) + ",\"view\":" + viewJson + "}";
        }

        static (string, string, string) LoadAssets() => LoadPage("report.html", "report.css", "report.js");

        /// <summary>A page's embedded skeleton, CSS and script, checked so that neither can end its element early (the diff page uses it too).</summary>
        internal static (string Html, string Css, string Js) LoadPage(string htmlName, string cssName, string jsName)
        {
            var html = Resource(htmlName);
            var css = Resource(cssName);
            var js = Resource("units.js") + "\n" + Resource(jsName); // the formatting both pages share first
            // The CSS and script are placed inside <style> and <script> as they are: they must not end those elements.
            if (css.Contains("</style", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(cssName + " must not contain \"</style\"");
            if (js.Contains("<script", StringComparison.OrdinalIgnoreCase) || js.Contains("</script", StringComparison.OrdinalIgnoreCase) ||
                js.Contains("<!--", StringComparison.Ordinal))
                throw new InvalidOperationException(jsName + " must not contain \"<script\", \"</script\" or \"<!--\"");
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
