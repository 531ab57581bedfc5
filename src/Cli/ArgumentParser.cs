using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncProf.Cli
{
    /// <summary>One option a command accepts.</summary>
    public sealed record OptionSpec(string Name, bool TakesValue, bool Repeatable = false, string? ShortName = null);

    /// <summary>What the command line said after the command name.</summary>
    public sealed class ParsedArguments
    {
        readonly Dictionary<string, List<string>> _values;
        readonly HashSet<string> _flags;

        internal ParsedArguments(List<string> positionals, Dictionary<string, List<string>> values, HashSet<string> flags)
        {
            Positionals = positionals;
            _values = values;
            _flags = flags;
        }

        public IReadOnlyList<string> Positionals { get; }
        public bool Has(string option) => _flags.Contains(option) || _values.ContainsKey(option);
        public string? Value(string option) => _values.TryGetValue(option, out var v) ? v[v.Count - 1] : null;
        public IReadOnlyList<string> Values(string option) =>
            _values.TryGetValue(option, out var v) ? v : (IReadOnlyList<string>)Array.Empty<string>();
    }

    /// <summary>
    /// A small GNU-style parser: <c>--name value</c>, <c>--name=value</c>, short aliases (<c>-o value</c>),
    /// <c>--</c> ends options, <c>-h</c>/<c>--help</c> anywhere asks for help. Anything unexpected is a
    /// <see cref="UsageException"/> with a one-line message.
    /// </summary>
    public static class ArgumentParser
    {
        public static ParsedArguments Parse(string command, IReadOnlyList<string> args, IReadOnlyList<OptionSpec> options)
        {
            var byName = options.ToDictionary(o => "--" + o.Name, StringComparer.Ordinal);
            foreach (var o in options.Where(o => o.ShortName != null)) byName["-" + o.ShortName] = o;

            var positionals = new List<string>();
            var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var flags = new HashSet<string>(StringComparer.Ordinal);
            var optionsEnded = false;

            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                if (optionsEnded || arg == "-" || !arg.StartsWith("-", StringComparison.Ordinal))
                {
                    positionals.Add(arg);
                    continue;
                }
                if (arg == "--") { optionsEnded = true; continue; }
                if (arg == "-h" || arg == "--help" || arg == "-?") throw new HelpRequestedException(command);

                string name = arg;
                string? inlineValue = null;
                var eq = arg.IndexOf('=');
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
                {
                    name = arg.Substring(0, eq);
                    inlineValue = arg.Substring(eq + 1);
                }

                if (!byName.TryGetValue(name, out var spec))
                    throw new UsageException($"unknown option '{name}' for '{command}' (see 'asyncprof {command} --help')");
                var canonical = spec.Name;

                if (!spec.TakesValue)
                {
                    if (inlineValue != null) throw new UsageException($"option '--{canonical}' takes no value");
                    flags.Add(canonical);
                    continue;
                }

                string value;
                if (inlineValue != null) value = inlineValue;
                else if (i + 1 < args.Count && (!args[i + 1].StartsWith("-", StringComparison.Ordinal) || args[i + 1] == "-" || IsNumber(args[i + 1])))
                    value = args[++i];
                else throw new UsageException($"option '--{canonical}' needs a value");
                if (value.Length == 0) throw new UsageException($"option '--{canonical}' needs a non-empty value");

                if (!values.TryGetValue(canonical, out var list)) values[canonical] = list = new List<string>();
                else if (!spec.Repeatable) throw new UsageException($"option '--{canonical}' given more than once");
                list.Add(value);
            }
            return new ParsedArguments(positionals, values, flags);
        }

        static bool IsNumber(string s) => s.Length > 1 && s[0] == '-' && s.Skip(1).All(char.IsDigit);
    }
}
