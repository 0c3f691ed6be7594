"""Writers of the workbooks the toolkit produces: master data, plans, documents."""
