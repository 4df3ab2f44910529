using AssessmentEngine.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddAssessmentEngine();

var app = builder.Build();
app.MapAssessmentEngine();
app.Run();

/// <summary>The web application's entry point; public so that tests can host it.</summary>
public partial class Program;
