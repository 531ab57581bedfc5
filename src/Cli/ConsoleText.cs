using System;
using System.IO;
using System.Text;
using AsyncProf.Shared;

namespace AsyncProf.Cli
{
    /// <summary>
    /// Text bound for the terminal: one line, no control characters (names read from a damaged file may carry
    /// escape sequences), and file-system errors said in words rather than as .NET exception texts.
    /// </summary>
    public static class ConsoleText
    {
        /// <summary>An I/O failure in words ("permission denied"), without the path .NET repeats in its message.</summary>
        public static string Io(Exception e) => e switch
        {
            UnauthorizedAccessException _ => "permission denied",
            FileNotFoundException _ => "no such file",
            DirectoryNotFoundException _ => "no such folder",
            PathTooLongException _ => "path too long",
            IOException io when io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => "no space left on the device",
            IOException io when io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "read-only file system",
            _ => "input/output error (" + OneLineText.Of(e.Message) + ")",
        };
    }
}
