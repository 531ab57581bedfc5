using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Linq;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Diff;

namespace AsyncProf.Reports.Html
{
    /// <summary>
    /// <c>asyncprof diff before.json after.json -o diff.html</c>: a self-contained page with a differential flame
    /// graph of the merged call-path tree (<see cref="ProfileDiff.Paths"/>), each frame as wide as the larger of its
    /// two inclusive figures and coloured by the change of its self figure (red grown, blue shrunk, the deeper the
    /// colour the larger the change relative to the frame: the frames that changed stand out, not all their callers),
    /// a wall / CPU / allocated switch, with the wall split's parts (running, blocked, suspended, queued, GC) when a
    /// side has them, so a function that now blocks where it awaited shows although its wall did not move, and the
    /// functions sorted by what moved most.
    /// </summary>
    /// <remarks>
    /// The same page shell as the profile report's (<see cref="HtmlPage"/>) around diff-body.html, diff.css and
    /// diff.js: the data as JSON with every <c>&lt;</c> escaped in a script element, names put on the page as text
    /// only, and a Content-Security-Policy that forbids every fetch. The hooks tests use are listed at the top of diff.js.
    /// </remarks>
    public static class DiffHtmlExporter
    {
        static readonly Lazy<HtmlPage> Page = new(() => HtmlPage.Load("diff", "AsyncProf diff report", "diff-data"));

        public static void Export(ProfileDiff diff, Stream output)
        {
            if (output == null) throw new ArgumentNullException(nameof(output));
            using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
            writer.Write(Render(diff));
        }

        public static string Render(ProfileDiff diff)
        {
            if (diff == null) throw new ArgumentNullException(nameof(diff));
            var heading = $"AsyncProf diff: {SideName(diff.BeforeProfile, "before")} → {SideName(diff.AfterProfile, "after")}";
            return Page.Value.Render(heading, new Dictionary<string, string> { ["HEADING"] = WebUtility.HtmlEncode(heading) }, DataJson(diff));
        }

        static string SideName(Profile p, string fallback) =>
            p.SourcePath != null ? Path.GetFileName(p.SourcePath) : p.Process.Name ?? fallback;

        /// <summary>The page's data: both sides' totals, the merged frames (parent before child) and the functions.</summary>
        public static string DataJson(ProfileDiff diff)
        {
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
            {
                w.WriteStartObject();
                w.WriteString("before", SideName(diff.BeforeProfile, "before"));
                w.WriteString("after", SideName(diff.AfterProfile, "after"));
                w.WriteStartArray("parts"); // the wall split's parts either side shows, in the order reports list them
                foreach (var part in PartsOf(diff)) w.WriteStringValue(WallSplit.Key(part));
                w.WriteEndArray();
                w.WritePropertyName("totals");
                w.WriteStartObject();
                w.WritePropertyName("b"); Figures(w, diff.BeforeTotals);
                w.WritePropertyName("a"); Figures(w, diff.AfterTotals);
                w.WriteEndObject();
                w.WriteStartArray("frames");
                foreach (var p in diff.Paths)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", p.Index);
                    if (p.Parent != null) w.WriteNumber("parent", p.Parent.Index); else w.WriteNull("parent");
                    w.WriteString("name", p.Name);
                    if (p.IsMarker) w.WriteBoolean("marker", true);
                    Sides(w, p);
                    w.WriteEndObject();
                    if (w.BytesPending > 1 << 16) w.Flush();
                }
                w.WriteEndArray();
                w.WriteStartArray("functions");
                foreach (var f in diff.Functions)
                {
                    w.WriteStartObject();
                    w.WriteString("name", f.Name);
                    Sides(w, f);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("<", "\\u003C", StringComparison.Ordinal);
        }

        /// <summary>The wall parts either profile's reports show (<see cref="WallSplit.PartsOf"/>); none when neither has the split.</summary>
        static IEnumerable<WallPart> PartsOf(ProfileDiff diff)
        {
            var shown = new[] { diff.BeforeProfile, diff.AfterProfile }.Where(p => p.HasWallSplit).SelectMany(WallSplit.PartsOf).ToHashSet();
            return WallSplit.AllParts.Where(shown.Contains);
        }

        static void Sides(Utf8JsonWriter w, DiffEntry e)
        {
            w.WriteBoolean("inB", e.InBefore);
            w.WriteBoolean("inA", e.InAfter);
            w.WritePropertyName("b"); Figures(w, e.Before);
            w.WritePropertyName("a"); Figures(w, e.After);
        }

        static void Figures(Utf8JsonWriter w, DiffFigures f)
        {
            w.WriteStartObject();
            w.WriteNumber("calls", f.Calls);
            w.WriteNumber("wall", f.WallNs);
            w.WriteNumber("cpu", f.CpuNs);
            w.WriteNumber("alloc", f.AllocBytes);
            foreach (var part in WallSplit.AllParts) w.WriteNumber(WallSplit.Key(part), f.Split.Part(part));
            w.WritePropertyName("self");
            w.WriteStartObject();
            w.WriteNumber("wall", f.SelfWallNs);
            w.WriteNumber("cpu", f.SelfCpuNs);
            w.WriteNumber("alloc", f.SelfAllocBytes);
            foreach (var part in WallSplit.AllParts) w.WriteNumber(WallSplit.Key(part), f.SelfSplit.Part(part));
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }
}
