Attribute VB_Name = "Pannello"
' The buttons of the "Pannello" sheet, one Sub each.
'
' Each Sub hands over to Python through xlwings' RunPython (the embedded "xlwings" module):
' the work, the messages and the error handling are in toolkit.excel, so the same services
' run from the command line. This file is the source: the workbook is rebuilt from it with
' "toolkit workbook build"; changes made in the VBA editor are lost at the next build.
Option Explicit

' Controllo dati
Public Sub CheckData()
    RunPython "import toolkit.excel as x; x.check_data()"
End Sub

' Anteprima ordini
Public Sub PreviewOrders()
    RunPython "import toolkit.excel as x; x.preview_orders()"
End Sub

' Crea ordini selezionati
Public Sub CreateOrders()
    RunPython "import toolkit.excel as x; x.create_orders()"
End Sub

' Pannello di controllo
Public Sub ControlPanel()
    RunPython "import toolkit.excel as x; x.control_panel()"
End Sub

' Cambia stato ordine
Public Sub ChangeOrderStatus()
    RunPython "import toolkit.excel as x; x.change_order_status()"
End Sub

' Spedisci (DDT)
Public Sub Ship()
    RunPython "import toolkit.excel as x; x.ship()"
End Sub

' Spedisci anche oltre il fido
Public Sub ShipForced()
    RunPython "import toolkit.excel as x; x.ship_forced()"
End Sub

' Ristampa DDT
Public Sub ReprintDeliveryNotes()
    RunPython "import toolkit.excel as x; x.reprint_delivery_notes()"
End Sub

' Annulla DDT
Public Sub VoidDeliveryNote()
    RunPython "import toolkit.excel as x; x.void_delivery_note()"
End Sub

' Lista di distribuzione
Public Sub DistributionList()
    RunPython "import toolkit.excel as x; x.distribution_list()"
End Sub

' Lista completa
Public Sub CompleteList()
    RunPython "import toolkit.excel as x; x.complete_list()"
End Sub

' Lista di produzione
Public Sub ProductionList()
    RunPython "import toolkit.excel as x; x.production_list()"
End Sub

' Produzione con ordini precedenti
Public Sub ProductionListEarlierOrders()
    RunPython "import toolkit.excel as x; x.production_list_earlier_orders()"
End Sub

' Fatturazione fine mese
Public Sub MonthEndInvoicing()
    RunPython "import toolkit.excel as x; x.month_end_invoicing()"
End Sub

' Rendi definitiva emissione
Public Sub FinalizeRun()
    RunPython "import toolkit.excel as x; x.finalize_run()"
End Sub

' Annulla emissione
Public Sub UndoRun()
    RunPython "import toolkit.excel as x; x.undo_run()"
End Sub

' Registro fatture del mese
Public Sub InvoiceRegister()
    RunPython "import toolkit.excel as x; x.invoice_register()"
End Sub

' Fatture elettroniche
Public Sub EInvoices()
    RunPython "import toolkit.excel as x; x.einvoices()"
End Sub

' Registra incasso
Public Sub RecordPayment()
    RunPython "import toolkit.excel as x; x.record_payment()"
End Sub

' Nota di credito
Public Sub CreditNote()
    RunPython "import toolkit.excel as x; x.credit_note()"
End Sub

' Nota di debito
Public Sub DebitNote()
    RunPython "import toolkit.excel as x; x.debit_note()"
End Sub

' Nessun accredito dovuto
Public Sub NoCreditDue()
    RunPython "import toolkit.excel as x; x.no_credit_due()"
End Sub

' Stato pagamenti
Public Sub PaymentStatus()
    RunPython "import toolkit.excel as x; x.payment_status()"
End Sub

' Calendario
Public Sub ShowCalendar()
    RunPython "import toolkit.excel as x; x.calendar()"
End Sub

' Report
Public Sub WriteReport()
    RunPython "import toolkit.excel as x; x.sales_report()"
End Sub

' Conferma offerta
Public Sub ConfirmQuotation()
    RunPython "import toolkit.excel as x; x.confirm_quotation()"
End Sub

' Spedisci e fattura
Public Sub ShipAndInvoice()
    RunPython "import toolkit.excel as x; x.ship_and_invoice()"
End Sub

' Apri richiesta
Public Sub OpenRequest()
    RunPython "import toolkit.excel as x; x.open_request()"
End Sub

' Registra azione richiesta
Public Sub ActOnRequest()
    RunPython "import toolkit.excel as x; x.act_on_request()"
End Sub

' Chiudi richiesta
Public Sub CloseRequest()
    RunPython "import toolkit.excel as x; x.close_request()"
End Sub

' Richieste aperte
Public Sub OpenRequests()
    RunPython "import toolkit.excel as x; x.open_requests()"
End Sub

' Provvigioni
Public Sub Commissions()
    RunPython "import toolkit.excel as x; x.commissions()"
End Sub

' Liquida sconti volume
Public Sub SettleVolumeDiscounts()
    RunPython "import toolkit.excel as x; x.settle_volume_discounts()"
End Sub
