"""/docs and /redoc served entirely by this app: Swagger UI and ReDoc from npm (swagger-ui-dist, redoc),
copied into static/build/vendor by ./dev, so the API's documentation works on a machine without internet."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crowdledger.web.render import ENV
from crowdledger.web.security import DOCS_POLICY

router = APIRouter(include_in_schema=False)


def _docs(request: Request, template: str) -> HTMLResponse:
    html = ENV.get_template(template).render(openapi_url=request.app.openapi_url or "/openapi.json")
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_POLICY})


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return _docs(request, "docs/swagger.html")


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    return _docs(request, "docs/redoc.html")
