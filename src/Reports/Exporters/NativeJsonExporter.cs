using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// The native <c>asyncprof/1</c> JSON (docs/profile-schema.md), written back from the model, timeline included.
    /// <see cref="ProfileConverter"/> copies a native file as is instead; this writer serves profiles built in memory.
    /// </summary>
    public sealed class NativeJsonExporter : IProfileExporter
    {
        public string Name => "json";
        public string FileExtension => ".json";

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            ProfileJsonWriter.Write(w, profile, includeTimeline: true);
            w.Flush();
        }
    }
}
