using System;

namespace AsyncProf.Reports
{
    /// <summary>A profile file that cannot be read. The message is one line, "&lt;file&gt;: &lt;problem&gt;", shown to users as is.</summary>
    public sealed class ProfileFormatException : Exception
    {
        public ProfileFormatException(string path, string problem, Exception? inner = null)
            : base($"{path}: {problem}", inner)
        {
            Path = path;
            Problem = problem;
        }

        public string Path { get; }
        public string Problem { get; }
    }
}
