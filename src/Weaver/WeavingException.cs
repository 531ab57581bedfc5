using System;

namespace AsyncProf.Weaver
{
    /// <summary>Bad input: the message is one line naming the file and the problem, shown to the user as is.</summary>
    public sealed class WeavingException : Exception
    {
        public WeavingException(string message, Exception? inner = null) : base(message, inner) { }
    }
}
