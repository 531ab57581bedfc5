namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>
    /// Test categories, so the fast tests can run alone: <c>./test.sh --filter TestCategory!=Integration</c> runs the
    /// in-memory ones (seconds); <c>Integration</c> marks fixtures that build projects, pack packages, start processes,
    /// servers or a browser (minutes). CI runs both.
    /// </summary>
    public static class Categories
    {
        public const string Integration = "Integration";
    }
}
