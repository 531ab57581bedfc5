using System;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>A profile that cannot be exported in the format asked for. The message is one line, shown to users as is.</summary>
    public sealed class ProfileExportException : Exception
    {
        public ProfileExportException(string message, Exception? inner = null) : base(message, inner) { }
    }
}
