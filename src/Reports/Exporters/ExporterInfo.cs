namespace AsyncProf.Reports.Exporters
{
    /// <summary>The version the exporters write into their files (creator, exporter fields), from this assembly's.</summary>
    static class ExporterInfo
    {
        public static string Version { get; } =
            typeof(ExporterInfo).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";
    }
}
