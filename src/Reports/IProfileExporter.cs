using System.IO;

namespace AsyncProf.Reports
{
    /// <summary>
    /// A file format a profile can be exported to (speedscope, pprof, ...). Each format lives in its own file under
    /// Exporters/ and works from the <see cref="Profile"/> model only.
    /// </summary>
    public interface IProfileExporter
    {
        /// <summary>The name users pass on the command line, e.g. "speedscope".</summary>
        string Name { get; }
        /// <summary>The usual file extension, with its dot, e.g. ".speedscope.json".</summary>
        string FileExtension { get; }
        void Export(Profile profile, Stream output);
    }
}
