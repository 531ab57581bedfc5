using System;

namespace AsyncProf.Cli
{
    /// <summary>The command line is wrong (unknown command or option, missing value...): exit code 2.</summary>
    public sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message) { }
    }

    /// <summary>The input is wrong (missing file, not a .NET assembly, bad profile...): exit code 1. One line.</summary>
    public sealed class InputException : Exception
    {
        public InputException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>An unexpected failure with context added (which file was being woven): exit code 3.</summary>
    public sealed class InternalFailureException : Exception
    {
        public InternalFailureException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>`--help`: the help text goes to stdout and the exit code is that of a usage error (2).</summary>
    public sealed class HelpRequestedException : Exception
    {
        public HelpRequestedException(string? command) : base("help requested") => Command = command;
        public string? Command { get; }
    }

    public static class ExitCodes
    {
        public const int Success = 0;
        /// <summary>Bad input: missing file, not a .NET assembly, reference or ReadyToRun assembly, already woven, bad profile.</summary>
        public const int BadInput = 1;
        /// <summary>Usage error, including `--help`.</summary>
        public const int Usage = 2;
        /// <summary>A bug in asyncprof itself (an exception nobody expected).</summary>
        public const int InternalError = 3;
        /// <summary>`diff --fail-over`: a function regressed by more than the given percentage.</summary>
        public const int Regression = 4;
    }
}
