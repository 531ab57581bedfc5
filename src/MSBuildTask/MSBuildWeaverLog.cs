using AsyncProf.Weaver;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AsyncProf.MSBuild
{
    /// <summary>
    /// The weaver's messages as MSBuild sees them: details at low importance (-v:detailed, binary logs), warnings as
    /// build warnings with the source file and line of the method concerned, so IDEs and CI annotate the right place.
    /// </summary>
    internal sealed class MSBuildWeaverLog : IWeaverLog
    {
        readonly TaskLoggingHelper log;
        readonly string assembly;

        public MSBuildWeaverLog(TaskLoggingHelper log, string assembly)
        {
            this.log = log;
            this.assembly = assembly;
        }

        public void Info(string message) =>
            log.LogMessage(MessageImportance.Low, "AsyncProf: {0}", message);

        public void Warning(string message, string? file = null, int line = 0)
        {
            // Without a source location, the assembly itself is the place to point at.
            var where = string.IsNullOrEmpty(file) ? assembly : file;
            log.LogWarning(null, WeaveAssembly.WeaverWarningCode, null, where, line, 0, 0, 0,
                "AsyncProf: {0}", message.Replace("\r", " ").Replace("\n", " "));
        }
    }
}
