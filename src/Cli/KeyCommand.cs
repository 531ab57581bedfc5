using System.Collections.Generic;
using System.IO;
using AsyncProf.AspNetCore;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof key new</c>: prints a fresh trigger key, <c>&lt;id&gt;:&lt;base64 secret&gt;</c>, for the server's
    /// <c>AsyncProf:Key</c> and for <c>asyncprof curl</c> (<c>--key-file</c> or <c>ASYNCPROF_KEY</c>).
    /// </summary>
    public static class KeyCommand
    {
        public static int Run(IReadOnlyList<string> args, TextWriter stdout)
        {
            var parsed = ArgumentParser.Parse("key", args, System.Array.Empty<OptionSpec>());
            if (parsed.Positionals.Count != 1 || parsed.Positionals[0] != "new")
                throw new UsageException("key takes one subcommand: 'asyncprof key new' (see 'asyncprof key --help')");
            stdout.WriteLine(TriggerKey.New().ToKeyText());
            return ExitCodes.Success;
        }
    }
}
