"""What a finance analyst would script instead of the project: a pandas notebook that
matches billing invoices with ERP AR documents.

1. load both extracts whole (``pd.read_parquet`` / ``pd.read_csv``, everything as text);
2. merge on the invoice number, normalised (upper case, letters and digits only, the
   leading "INV" series prefix dropped), against the ERP document's external reference
   normalised the same way; the first ERP document per invoice wins;
3. for what is left on both sides, ``merge_asof`` on the date, by (currency, gross
   amount rounded to the cent), whatever the customer: each invoice takes the ERP
   document of the nearest date within ``DATE_WINDOW_DAYS`` days, and an ERP document
   taken twice goes to the closest invoice only.

No customer mapping, no credit notes, no typo or duplicate rules, no exceptions: that
is the honest scope of such a script. datacompy would be the library for it, but its
pins conflict with the project's (pandas/numpy), so it is not installed.

Run as a module in its own process so that its memory is measured alone:

    python -m rectools.benchmark.baseline LANDING_DIR PAIRS.parquet   # prints one JSON line
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

DATE_WINDOW_DAYS = 3


def _load(landing: Path, system: str, entity: str):
    import pandas as pd

    parquet = landing / system / f"{entity}.parquet"
    if parquet.exists():
        return pd.read_parquet(parquet)
    return pd.read_csv(landing / system / f"{entity}.csv", dtype=str, keep_default_na=False)


def _number(series):
    normalised = series.fillna("").astype(str).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    return normalised.str.replace(r"^INV", "", regex=True)


def match(landing: Path) -> tuple[dict, "object"]:
    """(counts, pairs): pairs is a DataFrame of invoice_id, document_id, method."""
    import pandas as pd

    started = time.monotonic()
    invoices = _load(landing, "billing", "invoices")
    documents = _load(landing, "erp", "ar_documents")
    loaded = time.monotonic()
    documents = documents[documents["document_type"].fillna("").str.strip().str.lower() == "invoice"].copy()

    invoices["key"] = _number(invoices["invoice_number"])
    documents["key"] = _number(documents["external_reference"])
    by_reference = (invoices.loc[invoices["key"] != "", ["invoice_id", "key"]]
                    .merge(documents.loc[documents["key"] != "", ["document_id", "key"]], on="key")
                    .drop_duplicates("invoice_id")
                    .drop_duplicates("document_id"))

    rest_invoices = invoices[~invoices["invoice_id"].isin(by_reference["invoice_id"])].copy()
    rest_documents = documents[~documents["document_id"].isin(by_reference["document_id"])].copy()
    for frame, amount, date in ((rest_invoices, "total", "issue_date"),
                                (rest_documents, "gross_amount", "document_date")):
        frame["ccy"] = frame["currency"].fillna("").str.strip().str.upper()
        frame["amount"] = pd.to_numeric(frame[amount], errors="coerce").round(2)
        frame["date"] = pd.to_datetime(frame[date], errors="coerce")
    # nearest ERP date within the window among the same currency and amount: merge_asof
    # keeps this linear (a plain merge on currency and amount pairs every invoice with
    # every document of a common price, and grows with the square of the data)
    left = rest_invoices.dropna(subset=["amount", "date"]).sort_values("date")
    right = rest_documents.dropna(subset=["amount", "date"]).sort_values("date")
    nearest = pd.merge_asof(left[["invoice_id", "ccy", "amount", "date"]],
                            right[["document_id", "ccy", "amount", "date"]].rename(columns={"date": "date_doc"}),
                            left_on="date", right_on="date_doc", by=["ccy", "amount"],
                            tolerance=pd.Timedelta(days=DATE_WINDOW_DAYS), direction="nearest")
    nearest = nearest.dropna(subset=["document_id"])
    nearest["days"] = (nearest["date_doc"] - nearest["date"]).dt.days.abs()
    by_amount = (nearest.sort_values(["days", "invoice_id"])
                 .drop_duplicates("document_id"))

    pairs = pd.concat([by_reference[["invoice_id", "document_id"]].assign(method="reference"),
                       by_amount[["invoice_id", "document_id"]].assign(method="amount_date")],
                      ignore_index=True)
    finished = time.monotonic()
    counts = {"invoices": int(len(invoices)), "erp_invoice_documents": int(len(documents)),
              "matched_by_reference": int(len(by_reference)), "matched_by_amount_date": int(len(by_amount)),
              "matched": int(pairs["invoice_id"].nunique()),
              "load_seconds": loaded - started, "work_seconds": finished - started}
    return counts, pairs


if __name__ == "__main__":
    result, matched_pairs = match(Path(sys.argv[1]))
    if len(sys.argv) > 2:
        matched_pairs.to_parquet(sys.argv[2], index=False)
    print(json.dumps(result))
