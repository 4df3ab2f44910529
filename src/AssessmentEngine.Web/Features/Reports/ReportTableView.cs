namespace AssessmentEngine.Web.Features.Reports;

/// <summary>A table as a page shows it: what to say when it is empty, and where its CSV is (null for none).</summary>
public sealed record ReportTableView(ReportTable Table, string Section, string Empty, string? Download);
