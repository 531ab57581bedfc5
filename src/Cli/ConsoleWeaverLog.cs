using System.IO;
using AsyncProf.Shared;
using AsyncProf.Weaver;

namespace AsyncProf.Cli
{
    /// <summary>Weaver messages on the console: warnings always (stderr), information only with --verbose (stdout).</summary>
    public sealed class ConsoleWeaverLog : IWeaverLog
    {
        readonly TextWriter _out;
        readonly TextWriter _err;
        readonly bool _verbose;

        public ConsoleWeaverLog(TextWriter output, TextWriter error, bool verbose)
        {
            _out = output;
            _err = error;
            _verbose = verbose;
        }

        public int Warnings { get; private set; }

        public void Info(string message)
        {
            if (_verbose) _out.WriteLine("  " + OneLineText.Of(message));
        }

        public void Warning(string message, string? file = null, int line = 0)
        {
            Warnings++;
            // The path once: messages that already start with it get no second copy.
            var where = file == null || message.StartsWith(file + ":", System.StringComparison.Ordinal) ? "" : line > 0 ? $"{OneLineText.Of(file)}({line}): " : $"{OneLineText.Of(file)}: ";
            _err.WriteLine($"asyncprof: warning: {where}{OneLineText.Of(message)}");
        }

    }
}
