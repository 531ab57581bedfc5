using System.Collections.Generic;
using AsyncProf.Weaver;

namespace AsyncProf.Tests.Weaver
{
    /// <summary>Keeps what the weaver reported, for assertions.</summary>
    internal sealed class RecordingWeaverLog : IWeaverLog
    {
        public List<string> Infos { get; } = new List<string>();
        public List<(string Message, string? File, int Line)> Warnings { get; } = new List<(string, string?, int)>();

        public void Info(string message) => Infos.Add(message);
        public void Warning(string message, string? file = null, int line = 0) => Warnings.Add((message, file, line));
    }
}
