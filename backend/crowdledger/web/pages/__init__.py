"""The page routes, one APIRouter per resource, each over the same query functions as the JSON API."""

from fastapi import HTTPException


class PageNotFound(HTTPException):
    """A page that does not exist: answered with an HTML page, not the API's JSON error."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(404, key)
        self.key = key
        self.params = params
