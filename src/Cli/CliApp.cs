using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using AsyncProf.Shared;
using AsyncProf.Weaver;

namespace AsyncProf.Cli
{
    /// <summary>
    /// The command line: dispatch, and the one place errors become exit codes. Every error is one line
    /// "asyncprof: &lt;message&gt;" on stderr, never a stack trace (set ASYNCPROF_DEBUG=1 to see one for internal errors).
    /// </summary>
    public static class CliApp
    {
        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            try
            {
                if (args.Count == 0) throw new UsageException("no command given (usage: asyncprof weave|verify|restore|report|diff|curl|key ...; see 'asyncprof --help')");
                var command = args[0];
                var rest = args.Skip(1).ToList();
                switch (command)
                {
                    case "weave": return WeaveCommand.Run(rest, stdout, stderr);
                    case "report": return ReportCommand.Run(rest, stdout, stderr);
                    case "diff": return DiffCommand.Run(rest, stdout, stderr);
                    case "verify": return VerifyCommand.Run(rest, stdout, stderr);
                    case "restore": return RestoreCommand.Run(rest, stdout, stderr);
                    case "curl": return CurlCommand.Run(rest, stdout, stderr);
                    case "key": return KeyCommand.Run(rest, stdout);
                    case "help":
                        throw new HelpRequestedException(rest.Count > 0 ? rest[0] : null);
                    case "-h":
                    case "--help":
                    case "-?":
                        throw new HelpRequestedException(null);
                    case "--version":
                        stdout.WriteLine("asyncprof " + Version);
                        return ExitCodes.Success;
                    default:
                        throw new UsageException(command.StartsWith("-", StringComparison.Ordinal)
                            ? $"unknown option '{command}' (a command comes first: weave, verify, restore, report, diff, curl or key; see 'asyncprof --help')"
                            : $"unknown command '{command}' (commands: weave, verify, restore, report, diff, curl, key; see 'asyncprof --help')");
                }
            }
            catch (HelpRequestedException help)
            {
                stdout.WriteLine(help.Command switch
                {
                    "weave" => HelpText.Weave,
                    "report" => HelpText.Report,
                    "diff" => HelpText.Diff,
                    "verify" => HelpText.Verify,
                    "restore" => HelpText.Restore,
                    "curl" => HelpText.Curl,
                    "key" => HelpText.Key,
                    _ => HelpText.Main,
                });
                return ExitCodes.Usage;
            }
            catch (UsageException e)
            {
                Error(stderr, e.Message);
                return ExitCodes.Usage;
            }
            catch (InputException e)
            {
                Error(stderr, e.Message);
                return ExitCodes.BadInput;
            }
            catch (WeavingException e)
            {
                Error(stderr, e.Message);
                return ExitCodes.BadInput;
            }
            catch (OutOfMemoryException)
            {
                Error(stderr, "out of memory (the input may be damaged: a size in it is impossibly large)");
                return ExitCodes.BadInput;
            }
            catch (Exception e)
            {
                var what = e is InternalFailureException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                Error(stderr, $"internal error: {what}" +
                    (Environment.GetEnvironmentVariable("ASYNCPROF_DEBUG") == "1" ? "" : " (set ASYNCPROF_DEBUG=1 for details)"));
                if (Environment.GetEnvironmentVariable("ASYNCPROF_DEBUG") == "1") stderr.WriteLine(e.InnerException ?? e);
                return ExitCodes.InternalError;
            }
        }

        static void Error(TextWriter stderr, string message) =>
            stderr.WriteLine("asyncprof: " + OneLineText.Of(message));

        static string Version =>
            typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(CliApp).Assembly.GetName().Version?.ToString() ?? "?";
    }
}
