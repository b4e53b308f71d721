/** The dashboard page (step 3 of issue 15 replaces this placeholder with the full viewer). */
export function renderDashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>prof dashboard</title>
</head>
<body><h1>prof dashboard</h1><p>Routes: <a href="api/routes">api/routes</a></p></body>
</html>
`;
}
