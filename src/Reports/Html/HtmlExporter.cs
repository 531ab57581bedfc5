using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AsyncProf.Reports.Html
{
    /// <summary>
    /// The <c>html</c> format: one self-contained HTML file a person opens offline, with an interactive flame graph of
    /// the calling-context tree (zoom, search), a metric switch (wall, CPU, allocated bytes), a sortable function table
    /// and, for a selected function, its callers and callees with their share of its figure.
    /// </summary>
    /// <remarks>
    /// The page is the shared shell (<see cref="HtmlPage"/>) around three embedded resources kept as ordinary files for
    /// maintenance: report-body.html (the markup, with <c>{{NAME}}</c> placeholders), report.css and report.js
    /// (vanilla JavaScript, no dependencies). The profile is embedded as JSON in
    /// <c>&lt;script type="application/json" id="profile-data"&gt;</c>; a Content-Security-Policy forbids every
    /// fetch, so the file works from <c>file://</c> with no network. Profile
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

        static readonly Lazy<HtmlPage> Page = new(() => HtmlPage.Load("report", "AsyncProf html report", "profile-data"));

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
            var processName = string.IsNullOrEmpty(profile.Process.Name) ? "profile" : profile.Process.Name!;
            var heading = profile.Process.Pid > 0
                ? $"AsyncProf: {processName} (pid {profile.Process.Pid.ToString(CultureInfo.InvariantCulture)})"
                : $"AsyncProf: {processName}";
            return Page.Value.Render(heading, new Dictionary<string, string>
            {
                ["HEADING"] = WebUtility.HtmlEncode(heading),
                ["CORRECTION"] = WebUtility.HtmlEncode(profile.Process.ProbeCorrection?.ToString() ?? "probe cost not subtracted"),
            }, WithView(ProfileJson(profile), FrameJson.Write(profile)));
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
    }
}
