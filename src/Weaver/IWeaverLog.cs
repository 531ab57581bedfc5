namespace AsyncProf.Weaver
{
    /// <summary>Where the core reports; each way in maps it to its own logger (console, MSBuild, Fody).</summary>
    public interface IWeaverLog
    {
        void Info(string message);
        /// <summary>Something skipped or suspicious; file and line when known.</summary>
        void Warning(string message, string? file = null, int line = 0);
    }

    public sealed class NullWeaverLog : IWeaverLog
    {
        public static readonly NullWeaverLog Instance = new NullWeaverLog();
        public void Info(string message) { }
        public void Warning(string message, string? file = null, int line = 0) { }
    }
}
